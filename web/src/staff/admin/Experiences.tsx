// Experiences: what guests can ask for, in order; created, edited, moved up and down,
// deactivated, each with its picture (previewed, uploaded with progress, refusals in words).
import { useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { Title } from "../../lib/ui";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { departmentName, hotels } from "../state";
import { Form, ImageUpload, ListState, SaveRow, SelectField, TextInput, useAction, useList } from "./common";

type Experience = Schemas["Experience"];

export function Experiences(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <ExperiencesScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

function ExperiencesScreen(props: { hotel: string }) {
  const base = `/hotels/${props.hotel}/admin/experiences`;
  const list = useList<Experience>(`${base}?limit=100`);
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();
  const items = [...(list.items ?? [])].sort(
    (a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name),
  );

  /** Swaps two neighbours' places, numbering the list afresh so that orders are distinct. */
  const move = (index: number, by: -1 | 1) =>
    void action
      .run(async () => {
        const order = [...items];
        const [moved] = order.splice(index, 1);
        if (!moved) return;
        order.splice(index + by, 0, moved);
        await Promise.all(
          order
            .map((e, i) => ({ e, sort_order: (i + 1) * 10 }))
            .filter(({ e, sort_order }) => e.sort_order !== sort_order)
            .map(({ e, sort_order }) => api.call("PATCH", `${base}/${e.id}`, { body: { sort_order } })),
        );
      }, t("experiences.reordered"))
      .then(list.reload);

  return (
    <>
      <Title>{t("nav.experiences")}</Title>
      <ListState list={list} notices={action.notices} />
      <ol class="plain-list" aria-label={t("nav.experiences")}>
        {items.map((e, i) => (
          <li key={e.id} class="card experience-row">
            {editing === e.id ? (
              <ExperienceForm
                hotel={props.hotel}
                experience={e}
                onDone={async () => {
                  setEditing(null);
                  await list.reload();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <div class="title-row">
                  <h2>{e.name}</h2>
                  <span class="badge">{e.active ? t("common.active") : t("common.inactive")}</span>
                </div>
                <p class="hint">
                  {departmentName(props.hotel, e.department)}
                  {e.category ? ` · ${e.category}` : ""}
                  {e.price_text ? ` · ${e.price_text}` : ""}
                  {e.requires_confirmation ? ` · ${t("experiences.confirms")}` : ""}
                </p>
                <ImageUpload
                  id={`image-${e.id}`}
                  label={t("experiences.image", { name: e.name })}
                  current={e.image_url}
                  path={`${base}/${e.id}/image`}
                  onDone={list.reload}
                />
                <div class="row">
                  <button
                    type="button"
                    class="button button-quiet"
                    disabled={i === 0 || action.busy}
                    onClick={() => move(i, -1)}
                  >
                    {t("experiences.up", { name: e.name })}
                  </button>
                  <button
                    type="button"
                    class="button button-quiet"
                    disabled={i === items.length - 1 || action.busy}
                    onClick={() => move(i, 1)}
                  >
                    {t("experiences.down", { name: e.name })}
                  </button>
                  <button type="button" class="button button-quiet" onClick={() => setEditing(e.id)}>
                    {t("experiences.edit", { name: e.name })}
                  </button>
                  <button
                    type="button"
                    class="button button-quiet"
                    disabled={action.busy}
                    onClick={() =>
                      void action
                        .run(() =>
                          e.active
                            ? api.call("DELETE", `${base}/${e.id}`)
                            : api.call("PATCH", `${base}/${e.id}`, { body: { active: true } }),
                        )
                        .then(list.reload)
                    }
                  >
                    {e.active
                      ? t("experiences.deactivate", { name: e.name })
                      : t("experiences.activate", { name: e.name })}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ol>
      <section class="card" aria-labelledby="new-experience">
        <h2 id="new-experience">{t("experiences.new")}</h2>
        <ExperienceForm hotel={props.hotel} experience={null} onDone={list.reload} />
      </section>
    </>
  );
}

function ExperienceForm(props: {
  hotel: string;
  experience: Experience | null;
  onDone: () => Promise<void>;
  onCancel?: () => void;
}) {
  const e = props.experience;
  const prefix = e ? `exp-${e.id}` : "exp-new";
  const departments = hotels.value[props.hotel]?.departments ?? [];
  const [picked, setDepartment] = useState(e?.department ?? null);
  // The hotel's departments may arrive after the form opens: until one is picked, the first.
  const department = picked ?? departments[0]?.slug ?? "";
  const [name, setName] = useState(e?.name ?? "");
  const [description, setDescription] = useState(e?.description ?? "");
  const [category, setCategory] = useState(e?.category ?? "");
  const [price, setPrice] = useState(e?.price_text ?? "");
  const [confirms, setConfirms] = useState(e?.requires_confirmation ?? false);
  const action = useAction();
  return (
    <Form
      label={e ? t("experiences.edit", { name: e.name }) : t("experiences.new")}
      onSubmit={() =>
        void action
          .run(async () => {
            const body = {
              department,
              name,
              description,
              category,
              price_text: price.trim() || null,
              requires_confirmation: confirms,
            };
            if (e) await api.call("PATCH", `/hotels/${props.hotel}/admin/experiences/${e.id}`, { body });
            else await api.post(`/hotels/${props.hotel}/admin/experiences`, body);
          })
          .then(async (ok) => {
            if (!ok) return;
            if (!e) {
              setName("");
              setDescription("");
              setCategory("");
              setPrice("");
            }
            await props.onDone();
          })
      }
    >
      <SelectField
        id={`${prefix}-department`}
        label={t("queue.department")}
        value={department}
        onChange={setDepartment}
      >
        {departments.map((d) => (
          <option key={d.slug} value={d.slug}>
            {d.name}
          </option>
        ))}
      </SelectField>
      <TextInput
        id={`${prefix}-name`}
        label={t("experiences.name")}
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
          id={`${prefix}-category`}
          label={t("experiences.category")}
          value={category}
          onInput={setCategory}
        />
        <TextInput id={`${prefix}-price`} label={t("experiences.price")} value={price} onInput={setPrice} />
      </div>
      <label class="check">
        <input type="checkbox" checked={confirms} onChange={(ev) => setConfirms(ev.currentTarget.checked)} />
        {t("experiences.confirmsField")}
      </label>
      <SaveRow action={action} submit={e ? undefined : t("experiences.create")} onCancel={props.onCancel} />
    </Form>
  );
}
