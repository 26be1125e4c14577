// `/ask/{department}[/{experience}]`: the request form. One Idempotency-Key per thing the
// guest means to ask for: a double tap, or a retry after bad wifi, sends the same key and
// creates one request; changing the form makes it a new request with a new key.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, ApiError, idempotencyKey, type Schemas } from "../../lib/api/client";
import { instantOf, wallClock, zoneName } from "../../lib/format";
import { Field, Loading, Notice, Title } from "../../lib/ui";
import { catalogue, departmentName, loadCatalogue } from "../catalogue";
import { fieldError, messageOf } from "../errors";
import { WithStay } from "../guard";
import { i18n, t } from "../i18n";
import { hotel } from "../state";

/** Waits between tries when the network fails or the first try is still being answered. */
const RETRY_MS = [1_000, 2_000, 4_000];

function retryable(error: unknown): boolean {
  return error instanceof ApiError && (error.code === "network" || error.code === "idempotency_in_flight");
}

function Form(props: { hotel: string; department: string; experience: string | null }) {
  const { route } = useLocation();
  const [details, setDetails] = useState("");
  const [when, setWhen] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const key = useRef(idempotencyKey());
  const inFlight = useRef(false);
  useEffect(() => {
    loadCatalogue(props.hotel).catch(setError);
  }, [props.hotel]);

  const loaded = catalogue.value?.hotel === props.hotel ? catalogue.value : null;
  const experience = loaded?.experiences.find((e) => e.id === props.experience) ?? null;
  const timeZone = hotel.value?.timezone ?? "UTC";
  const language = i18n.language.value;
  const changed = (apply: () => void) => {
    apply();
    key.current = idempotencyKey();
  };

  const submit = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    const requestedFor = when ? instantOf(when, timeZone) : null;
    const body = {
      department: props.department,
      experience: props.experience,
      details: details.trim() || null,
      requested_for: requestedFor ? requestedFor.toISOString() : null,
    };
    const headers = { "idempotency-key": key.current };
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const created = await api.post<Schemas["GuestRequest"]>(
            `/hotels/${encodeURIComponent(props.hotel)}/requests`,
            body,
            { headers },
          );
          route(`/requests/${created.id}`);
          return;
        } catch (failure) {
          const wait = RETRY_MS[attempt];
          if (!retryable(failure) || wait === undefined) throw failure;
          setRetrying(true);
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    } catch (failure) {
      setError(failure);
    } finally {
      inFlight.current = false;
      setBusy(false);
      setRetrying(false);
    }
  };

  if (!loaded)
    return error ? <Notice kind="error">{messageOf(error)}</Notice> : <Loading label={t("app.loading")} />;
  const departmentLabel = departmentName(props.department);
  const detailsError = fieldError(error, "details", "error.details");
  const whenError = fieldError(error, "requested_for", "error.when");
  const general = error && !detailsError && !whenError ? messageOf(error) : null;
  const now = wallClock(new Date(), timeZone);
  const zone = zoneName(new Date(), language, timeZone);

  return (
    <>
      <Title>{experience ? experience.name : t("ask.title", { department: departmentLabel })}</Title>
      {experience ? (
        <div class="card">
          {experience.image_url ? <img src={experience.image_url} alt="" width={640} height={400} /> : null}
          {experience.description ? <p>{experience.description}</p> : null}
          {experience.price_text ? <p class="price">{experience.price_text}</p> : null}
          {experience.requires_confirmation ? <Notice kind="info">{t("ask.confirmationNote")}</Notice> : null}
        </div>
      ) : null}
      <form
        class="card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field
          id="details"
          label={experience ? t("ask.detailsOptional") : t("ask.details")}
          hint={t("ask.detailsHint")}
          error={detailsError}
        >
          {(aria) => (
            <textarea
              id="details"
              name="details"
              maxLength={2000}
              required={!experience}
              value={details}
              {...aria}
              onInput={(e) => changed(() => setDetails(e.currentTarget.value))}
            />
          )}
        </Field>
        <Field
          id="when"
          label={t("ask.when")}
          hint={t("ask.whenHint", { zone: `${zone}, ${timeZone}` })}
          error={whenError}
        >
          {(aria) => (
            <input
              id="when"
              name="when"
              type="datetime-local"
              min={now}
              value={when}
              {...aria}
              onInput={(e) => changed(() => setWhen(e.currentTarget.value))}
            />
          )}
        </Field>
        {general ? <Notice kind="error">{general}</Notice> : null}
        {retrying ? <Notice kind="info">{t("ask.retrying")}</Notice> : null}
        <button class="button button-block" type="submit" aria-disabled={busy ? "true" : undefined}>
          {busy ? t("ask.sending") : t("ask.send")}
        </button>
      </form>
      <p>
        <a href="/">{t("ask.back")}</a>
      </p>
    </>
  );
}

export function Ask() {
  const { params } = useRoute();
  return (
    <WithStay>
      {({ stay }) => (
        <Form
          hotel={stay.hotel}
          department={params.department ?? ""}
          experience={params.experience ?? null}
        />
      )}
    </WithStay>
  );
}
