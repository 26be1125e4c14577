// `/staff/hotels/{hotel}/export?<filters>`: the CSV export of the requests these filters show,
// fetched with the person's session and saved as a file. The daily digest links here (a plain
// link cannot carry the session to the API; this page can, and a lapsed session comes back here
// after logging in). ADMIN and SUPERADMIN only, as the API says.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../lib/api/client";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";

export function Export(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <ExportScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

function ExportScreen(props: { hotel: string }) {
  const { url } = useLocation();
  const query = url.includes("?") ? url.slice(url.indexOf("?")) : "";
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
