// `/staff/hotels/{hotel}/export?<filters>`: the CSV export of the requests these filters show,
// fetched with the person's session and saved as a file. The daily digest links here (a plain
// link cannot carry the session to the API; this page can, and a lapsed session comes back here
// after logging in). ADMIN and SUPERADMIN only, as the API says.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../lib/api/client";
import { instantOf } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { timeZoneOf } from "../state";

export function Export(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <ExportScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

/**
 * The export's query: as given, except `day=YYYY-MM-DD` (the digest's link), which becomes that
 * day in the hotel's time zone, midnight to the last millisecond before the next.
 */
function apiQuery(given: string, zone: string): string {
  const params = new URLSearchParams(given);
  const day = params.get("day");
  if (day) {
    params.delete("day");
    const from = instantOf(`${day}T00:00`, zone);
    const next = new Date(`${day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    const to = instantOf(`${next.toISOString().slice(0, 10)}T00:00`, zone);
    if (from && to) {
      params.set("created_from", from.toISOString());
      params.set("created_to", new Date(to.getTime() - 1).toISOString());
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function ExportScreen(props: { hotel: string }) {
  const { url } = useLocation();
  const query = apiQuery(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "", timeZoneOf(props.hotel));
  const [file, setFile] = useState<{ href: string; name: string; rows: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let href: string | null = null;
    api
      .text(`/hotels/${encodeURIComponent(props.hotel)}/admin/exports/requests${query}`, "text/csv")
      .then((csv) => {
        href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
        const name = `requests-${props.hotel}-${new Date().toISOString().slice(0, 10)}.csv`;
        const rows = Math.max(0, csv.split("\r\n").length - 2);
        setFile({ href, name, rows });
        const save = document.createElement("a");
        save.href = href;
        save.download = name;
        save.click();
      }, setError);
    return () => {
      if (href) URL.revokeObjectURL(href);
    };
  }, [props.hotel, query]);
  return (
    <>
      <Title>{t("export.title")}</Title>
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {!file && !error ? <Loading label={t("export.preparing")} /> : null}
      {file ? (
        <>
          <p role="status">{t("export.ready", { rows: file.rows })}</p>
          <a class="button" href={file.href} download={file.name}>
            {t("export.download", { name: file.name })}
          </a>
        </>
      ) : null}
      <p>
        <a href={`/staff/hotels/${props.hotel}`}>{t("export.back")}</a>
      </p>
    </>
  );
}
