// Members: invite by phone (and email), the roles the actor may grant, departments,
// deactivation; where the identity rules forbid a change (a phone or email that belongs to
// the person), the server's refusal is shown as it is said.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { Title } from "../../lib/ui";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { atLeast, departmentName, hotels, type Role } from "../state";
import { Checklist, Form, ListState, SaveRow, SelectField, TextInput, useAction, useList } from "./common";

type Member = Schemas["Member"];

export function Members(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {(membership) => <MembersScreen hotel={props.params.hotel} role={membership.role} />}
    </WithMember>
  );
}

/** Roles an actor may give: admins make staff; super admins any role. */
function grantable(actor: Role): Role[] {
  return atLeast(actor, "SUPERADMIN") ? ["STAFF", "ADMIN", "SUPERADMIN"] : ["STAFF"];
}

function MembersScreen(props: { hotel: string; role: Role }) {
  const base = `/hotels/${props.hotel}/admin/members`;
  const list = useList<Member>(base);
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();
  return (
    <>
      <Title>{t("nav.members")}</Title>
      <ListState list={list} notices={action.notices} />
      <ul class="plain-list" aria-label={t("nav.members")}>
        {list.items?.map((m) => (
          <li key={m.user} class="card">
            {editing === m.user ? (
              <MemberForm
                hotel={props.hotel}
                actor={props.role}
                member={m}
                onDone={async () => {
                  setEditing(null);
                  await list.reload();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <div class="title-row">
                  <h2>{m.name}</h2>
                  <span class="badge">{t(`role.${m.role}`)}</span>
                </div>
                <p class="hint">
                  {[m.phone, m.email].filter(Boolean).join(" · ")}
                  {m.active ? "" : ` · ${t("common.inactive")}`}
                </p>
                <p>
                  {t("members.departments")}:{" "}
                  {m.departments.length
                    ? m.departments.map((d) => departmentName(props.hotel, d)).join(", ")
                    : t("members.allOrNone")}
                </p>
                <div class="row">
                  <button type="button" class="button button-quiet" onClick={() => setEditing(m.user)}>
                    {t("members.edit", { name: m.name })}
                  </button>
                  {m.active ? (
                    <button
                      type="button"
                      class="button button-quiet"
                      disabled={action.busy}
                      onClick={() =>
                        void action
                          .run(() => api.call("DELETE", `${base}/${m.user}`), t("members.deactivated"))
                          .then(list.reload)
                      }
                    >
                      {t("members.deactivate", { name: m.name })}
                    </button>
                  ) : null}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      <section class="card" aria-labelledby="invite">
        <h2 id="invite">{t("members.invite")}</h2>
        <MemberForm hotel={props.hotel} actor={props.role} member={null} onDone={list.reload} />
      </section>
    </>
  );
}

function MemberForm(props: {
  hotel: string;
  actor: Role;
  member: Member | null;
  onDone: () => Promise<void>;
  onCancel?: () => void;
}) {
  const m = props.member;
  const prefix = m ? `member-${m.user}` : "member-new";
  const departments = hotels.value[props.hotel]?.departments ?? [];
  const [name, setName] = useState(m?.name ?? "");
  const [phone, setPhone] = useState(m?.phone ?? "");
  const [email, setEmail] = useState(m?.email ?? "");
  const [role, setRole] = useState<Role>(m?.role ?? "STAFF");
  const [chosen, setChosen] = useState<string[]>(m?.departments ?? []);
  const action = useAction();
  const roles = grantable(props.actor);
  return (
    <Form
      label={m ? t("members.edit", { name: m.name }) : t("members.invite")}
      onSubmit={() =>
        void action
          .run(async () => {
            if (m) {
              const body: Record<string, unknown> = { name, role, departments: chosen };
              if (phone !== (m.phone ?? "")) body.phone = phone;
              if (email !== (m.email ?? "")) body.email = email.trim() || null;
              await api.call("PATCH", `/hotels/${props.hotel}/admin/members/${m.user}`, { body });
            } else {
              await api.post(`/hotels/${props.hotel}/admin/members`, {
                name,
                phone,
                email: email.trim() || null,
                role,
                departments: chosen,
              });
            }
          })
          .then(async (ok) => {
            if (!ok) return;
            if (!m) {
              setName("");
              setPhone("");
              setEmail("");
              setChosen([]);
            }
            await props.onDone();
          })
      }
    >
      <TextInput
        id={`${prefix}-name`}
        label={t("members.name")}
        value={name}
        required
        onInput={setName}
        autocomplete="off"
      />
      <TextInput
        id={`${prefix}-phone`}
        label={t("login.phone")}
        type="tel"
        inputMode="tel"
        value={phone}
        required
        onInput={setPhone}
        hint={m && !m.identity_editable ? t("members.identityOwned") : t("members.phoneHint")}
      />
      <TextInput
        id={`${prefix}-email`}
        label={t("members.email")}
        type="email"
        inputMode="email"
        value={email}
        onInput={setEmail}
      />
      <SelectField
        id={`${prefix}-role`}
        label={t("members.role")}
        value={role}
        onChange={(r) => setRole(r as Role)}
      >
        {(roles.includes(role) ? roles : [role, ...roles]).map((r) => (
          <option key={r} value={r} disabled={!roles.includes(r)}>
            {t(`role.${r}`)}
          </option>
        ))}
      </SelectField>
      <Checklist
        legend={t("members.departments")}
        options={departments.map((d) => ({ value: d.slug, label: d.name }))}
        chosen={chosen}
        onChange={setChosen}
      />
      <SaveRow action={action} submit={m ? undefined : t("members.inviteButton")} onCancel={props.onCancel} />
    </Form>
  );
}
