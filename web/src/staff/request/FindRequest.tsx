// `/staff/requests/{id}`, where a push notification leads (its payload names the request, not
// the hotel): the request's page in whichever of the person's hotels has it.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../lib/api/client";
import { Loading, Notice } from "../../lib/ui";
import { WithMe } from "../guard";
import { t } from "../i18n";
import { Layout } from "../layout/Layout";
import type { Me } from "../state";

export function FindRequest(props: { params: { id: string } }) {
  return <WithMe>{(who) => <Find who={who} id={props.params.id} />}</WithMe>;
}

function Find(props: { who: Me; id: string }) {
  const { route } = useLocation();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    void (async () => {
      for (const { hotel } of props.who.memberships) {
        const path = `/hotels/${hotel}/admin/requests/${encodeURIComponent(props.id)}`;
        if (
          await api.get(path).then(
            () => true,
            () => false,
          )
        ) {
          route(`/staff${path.replace("/admin", "")}`, true);
          return;
        }
      }
      setMissing(true);
    })();
  }, [props.id]);
  return (
    <Layout>
      {missing ? <Notice kind="error">{t("request.missing")}</Notice> : <Loading label={t("app.loading")} />}
    </Layout>
  );
}
