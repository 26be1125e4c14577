// `/`: the hotel's departments and experiences, each with a way to ask.
import { useEffect, useState } from "preact/hooks";
import { Loading, Notice, Title } from "../../lib/ui";
import { catalogue, loadCatalogue, type Experience } from "../catalogue";
import { messageOf } from "../errors";
import { WithStay } from "../guard";
import { t } from "../i18n";

function ExperienceCard(props: { experience: Experience }) {
  const e = props.experience;
  return (
    <li class="card experience">
      {e.image_url ? <img src={e.image_url} alt="" loading="lazy" width={640} height={400} /> : null}
      <div class="experience-body">
        <h3>{e.name}</h3>
        {e.description ? <p>{e.description}</p> : null}
        {e.price_text || e.requires_confirmation ? (
          <p class="meta">
            {e.price_text ? <span class="price">{e.price_text}</span> : null}
            {e.requires_confirmation ? <span class="badge">{t("home.needsConfirmation")}</span> : null}
          </p>
        ) : null}
        <a class="button" href={`/ask/${e.department}/${e.id}`} aria-label={`${t("home.ask")}: ${e.name}`}>
          {t("home.ask")}
        </a>
      </div>
    </li>
  );
}

function Catalogue(props: { hotel: string }) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loadCatalogue(props.hotel).catch(setError);
  }, [props.hotel]);
  const loaded = catalogue.value?.hotel === props.hotel ? catalogue.value : null;
  if (error) return <Notice kind="error">{messageOf(error)}</Notice>;
  if (!loaded) return <Loading label={t("app.loading")} />;
  if (loaded.departments.length === 0) return <p>{t("home.empty")}</p>;
  return (
    <>
      {loaded.experiences.length > 0 ? (
        <section aria-labelledby="experiences">
          <h2 id="experiences">{t("home.experiences")}</h2>
          <ul class="grid">
            {loaded.experiences.map((e) => (
              <ExperienceCard key={e.id} experience={e} />
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="departments">
        <h2 id="departments">{t("home.departments")}</h2>
        <ul class="list">
          {loaded.departments.map((d) => (
            <li key={d.slug} class="card department">
              <div>
                <h3>{d.name}</h3>
                {d.description ? <p class="hint">{d.description}</p> : null}
              </div>
              <a class="button button-quiet" href={`/ask/${d.slug}`}>
                {t("home.askDepartment", { department: d.name })}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function Home() {
  return (
    <WithStay>
      {({ stay }) => (
        <>
          <Title>{t("home.title")}</Title>
          <Catalogue hotel={stay.hotel} />
        </>
      )}
    </WithStay>
  );
}
