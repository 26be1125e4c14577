// Departments: response times in and after hours, the after-hours windows per weekday (an
// overnight window shown as such, 22:00–07:00), and whom an escalation tells.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { Title } from "../../lib/ui";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { hotelDetails } from "../state";
import { Checklist, Form, ListState, SaveRow, TextInput, useAction, useList } from "./common";
import { describeHours, isOvernight, WEEKDAYS, type Window } from "./hours";

type Department = Schemas["Department"];
type Member = Schemas["Member"];

export function Departments(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <DepartmentsScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

function DepartmentsScreen(props: { hotel: string }) {
  const base = `/hotels/${props.hotel}/admin/departments`;
  const list = useList<Department>(base);
  const members = useList<Member>(`/hotels/${props.hotel}/admin/members`);
  const [editing, setEditing] = useState<string | null>(null);
  /** A new form after each department created. */
  const [created, setCreated] = useState(0);
  const action = useAction();
  const reload = async () => {
    await list.reload();
    await hotelDetails(props.hotel, true);
  };
  return (
    <>
      <Title>{t("nav.departments")}</Title>
      <ListState list={list} notices={action.notices} />
      <ul class="plain-list">
        {list.items?.map((d) => (
          <li key={d.slug} class="card">
            {editing === d.slug ? (
              <DepartmentForm
                hotel={props.hotel}
                department={d}
                members={members.items ?? []}
                onDone={async () => {
                  setEditing(null);
                  await reload();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <div class="title-row">
                  <h2>{d.name}</h2>
                  <span class="badge">{d.active ? t("common.active") : t("common.inactive")}</span>
                </div>
                <p>
                  {t("departments.sla", { sla: d.response_sla_minutes, after: d.after_hours_sla_minutes })}
                </p>
                <p>
                  {t("departments.afterHours")}: {describeHours(d.after_hours)}
                </p>
                <p>
                  {t("departments.contacts")}:{" "}
                  {d.escalation_contacts.length
                    ? d.escalation_contacts
                        .map((id) => members.items?.find((m) => m.user === id)?.name ?? id)
                        .join(", ")
                    : t("departments.noContacts")}
                </p>
                <div class="row">
                  <button type="button" class="button button-quiet" onClick={() => setEditing(d.slug)}>
                    {t("departments.edit", { name: d.name })}
                  </button>
                  {d.active ? (
                    <button
                      type="button"
                      class="button button-quiet"
                      disabled={action.busy}
                      onClick={() =>
                        void action
                          .run(() => api.call("DELETE", `${base}/${d.slug}`), t("departments.deactivated"))
                          .then(reload)
                      }
                    >
                      {t("departments.deactivate", { name: d.name })}
                    </button>
                  ) : (
                    <button
                      type="button"
                      class="button button-quiet"
                      disabled={action.busy}
                      onClick={() =>
                        void action
                          .run(() => api.call("PATCH", `${base}/${d.slug}`, { body: { active: true } }))
                          .then(reload)
                      }
                    >
                      {t("departments.activate", { name: d.name })}
                    </button>
                  )}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      <section class="card" aria-labelledby="new-department">
        <h2 id="new-department">{t("departments.new")}</h2>
        <DepartmentForm
          key={created}
          hotel={props.hotel}
          department={null}
          members={members.items ?? []}
          onDone={async () => {
            setCreated((n) => n + 1);
            await reload();
          }}
        />
      </section>
    </>
  );
}

function DepartmentForm(props: {
  hotel: string;
  department: Department | null;
  members: Member[];
  onDone: () => Promise<void>;
  onCancel?: () => void;
}) {
  const d = props.department;
  const prefix = d ? `dep-${d.slug}` : "dep-new";
  const [slug, setSlug] = useState("");
  const [name, setName] = useState(d?.name ?? "");
  const [description, setDescription] = useState(d?.description ?? "");
  const [sla, setSla] = useState(String(d?.response_sla_minutes ?? 15));
  const [after, setAfter] = useState(String(d?.after_hours_sla_minutes ?? 30));
  const [windows, setWindows] = useState<Window[]>(d?.after_hours ?? []);
  const [contacts, setContacts] = useState<string[]>(d?.escalation_contacts ?? []);
  const action = useAction();
  const setWindow = (i: number, change: Partial<Window>) =>
    setWindows((all) => all.map((w, j) => (j === i ? { ...w, ...change } : w)));

  return (
    <Form
      label={d ? t("departments.edit", { name: d.name }) : t("departments.new")}
      onSubmit={() =>
        void action
          .run(async () => {
            const body = {
              name,
              description,
              response_sla_minutes: Number(sla),
              after_hours_sla_minutes: Number(after),
              after_hours: windows,
              escalation_contacts: contacts,
            };
            if (d) await api.call("PATCH", `/hotels/${props.hotel}/admin/departments/${d.slug}`, { body });
            else await api.post(`/hotels/${props.hotel}/admin/departments`, { ...body, slug });
          })
          .then(async (ok) => {
            if (ok) await props.onDone();
          })
      }
    >
      {d ? null : (
        <TextInput
          id={`${prefix}-slug`}
          label={t("departments.slug")}
          hint={t("departments.slugHint")}
          value={slug}
          required
          onInput={setSlug}
        />
      )}
      <TextInput
        id={`${prefix}-name`}
        label={t("departments.name")}
        value={name}
        required
        onInput={setName}
      />
      <TextInput
        id={`${prefix}-description`}
        label={t("departments.description")}
        value={description}
        onInput={setDescription}
      />
      <div class="two">
        <TextInput
          id={`${prefix}-sla`}
          type="number"
          inputMode="numeric"
          label={t("departments.slaField")}
          value={sla}
          onInput={setSla}
        />
        <TextInput
          id={`${prefix}-after`}
          type="number"
          inputMode="numeric"
          label={t("departments.afterField")}
          value={after}
          onInput={setAfter}
        />
      </div>
      <fieldset class="windows">
        <legend>{t("departments.afterHours")}</legend>
        {windows.length === 0 ? <p class="hint">{t("hours.none")}</p> : null}
        {windows.map((w, i) => (
          <div class="window" key={i}>
            <label>
              {t("hours.day")}
              <select
                value={w.day}
                onChange={(e) => setWindow(i, { day: e.currentTarget.value as Window["day"] })}
              >
                {WEEKDAYS.map((day) => (
                  <option key={day} value={day}>
                    {t(`day.${day}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("hours.from")}
              <input
                type="time"
                value={w.start}
                onInput={(e) => setWindow(i, { start: e.currentTarget.value })}
              />
            </label>
            <label>
              {t("hours.to")}
              <input
                type="time"
                value={w.end}
                onInput={(e) => setWindow(i, { end: e.currentTarget.value })}
              />
            </label>
            <p class="hint">{isOvernight(w) ? t("hours.endsNextDay", { end: w.end }) : t("hours.sameDay")}</p>
            <button
              type="button"
              class="button button-quiet"
              onClick={() => setWindows((all) => all.filter((_, j) => j !== i))}
            >
              {t("hours.remove", { day: t(`day.${w.day}`) })}
            </button>
          </div>
        ))}
        <div class="row">
          <button
            type="button"
            class="button button-quiet"
            onClick={() => setWindows((all) => [...all, { day: "mon", start: "22:00", end: "07:00" }])}
          >
            {t("hours.add")}
          </button>
          {windows[0] ? (
            <button
              type="button"
              class="button button-quiet"
              onClick={() => {
                const first = windows[0];
                if (first) setWindows(WEEKDAYS.map((day) => ({ day, start: first.start, end: first.end })));
              }}
            >
              {t("hours.everyDayButton", { span: `${windows[0].start}–${windows[0].end}` })}
            </button>
          ) : null}
        </div>
      </fieldset>
      <Checklist
        legend={t("departments.contacts")}
        options={props.members.filter((m) => m.active).map((m) => ({ value: m.user, label: m.name }))}
        chosen={contacts}
        onChange={setContacts}
      />
      <SaveRow action={action} submit={d ? undefined : t("departments.create")} onCancel={props.onCancel} />
    </Form>
  );
}
