// "Notifications on this device": web push, turned on by the person (a gesture), off again.
import { useEffect, useState } from "preact/hooks";
import { Notice } from "../../lib/ui";
import { messageOf } from "../errors";
import { t } from "../i18n";
import { pushSupported, subscribe, subscribed, unsubscribe } from "../push";

export function DevicePush() {
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    if (pushSupported()) subscribed().then(setOn, () => setOn(false));
  }, []);
  if (!pushSupported()) return <p class="hint">{t("push.unsupported")}</p>;
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="push-title">
      <h2 id="push-title">{t("push.title")}</h2>
      {on ? <Notice kind="success">{t("push.on")}</Notice> : <p class="hint">{t("push.hint")}</p>}
      {denied ? <Notice kind="error">{t("push.denied")}</Notice> : null}
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {on ? (
        <button
          type="button"
          class="button button-quiet"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await unsubscribe();
              setOn(false);
            })
          }
        >
          {t("push.turnOff")}
        </button>
      ) : (
        <button
          type="button"
          class="button"
          disabled={busy || on === null}
          onClick={() =>
            void act(async () => {
              const outcome = await subscribe();
              setDenied(outcome === "denied");
              setOn(outcome === "on");
            })
          }
        >
          {t("push.turnOn")}
        </button>
      )}
    </section>
  );
}
