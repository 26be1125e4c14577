// The dashboard: what is open now (by status and department, overdue), and for today and the
// last 7 days in the hotel's time zone the time to acknowledge (median, p90), SLA compliance
// and the after-hours share, as charts of our own SVG. Loaded only on this screen.
import { useEffect, useState } from "preact/hooks";
import { api, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime, duration } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { departmentName } from "../state";
import "./dashboard.css";

type Dashboard = Reply<"/api/v1/hotels/{hotel}/admin/dashboard", "get">;
type Window = Schemas["DashboardWindow"];

const REFRESH_MS = 60_000;

export function Dashboard(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel}>{() => <DashboardScreen hotel={props.params.hotel} />}</WithMember>
  );
}

function DashboardScreen(props: { hotel: string }) {
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const read = () => api.get<Dashboard>(`/hotels/${props.hotel}/admin/dashboard`).then(setData, setError);
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [props.hotel]);
  if (error && !data) return <Notice kind="error">{messageOf(error)}</Notice>;
  if (!data) return <Loading label={t("app.loading")} />;
  const byStatus = (counts: Record<string, number>) =>
    Object.entries(counts).map(([status, count]) => ({
      label: t(`status.${status as Schemas["Status"]}`),
      count,
    }));
  const byDepartment = (counts: Record<string, number>) =>
    Object.entries(counts).map(([slug, count]) => ({ label: departmentName(props.hotel, slug), count }));
  return (
    <>
      <Title>{t("nav.dashboard")}</Title>
      <p class="hint">
        {t("dashboard.asOf", {
          time: dateTime(data.generated_at, "en-GB", data.timezone),
          zone: data.timezone,
        })}
      </p>
      <div class="tiles">
        <Tile label={t("dashboard.open")} value={String(data.open.total)} />
        <Tile
          label={t("dashboard.overdue")}
          value={String(data.open.overdue)}
          alarm={data.open.overdue > 0}
        />
        <Tile label={t("dashboard.today")} value={String(data.today.requests)} />
        <Tile label={t("dashboard.week")} value={String(data.last_7_days.requests)} />
      </div>
      <div class="charts">
        <Bars id="by-status" title={t("dashboard.openByStatus")} bars={byStatus(data.open.by_status)} />
        <Bars
          id="by-department"
          title={t("dashboard.openByDepartment")}
          bars={byDepartment(data.open.by_department)}
        />
        <Bars
          id="today-by-status"
          title={t("dashboard.todayByStatus")}
          bars={byStatus(data.today.by_status)}
        />
        <Bars
          id="today-by-department"
          title={t("dashboard.todayByDepartment")}
          bars={byDepartment(data.today.by_department)}
        />
        <Period id="today" title={t("dashboard.todayTitle")} window={data.today} />
        <Period id="week" title={t("dashboard.weekTitle")} window={data.last_7_days} />
      </div>
    </>
  );
}

function Tile(props: { label: string; value: string; alarm?: boolean }) {
  return (
    <div class={`tile${props.alarm ? " tile-alarm" : ""}`}>
      <p class="tile-value">{props.value}</p>
      <p class="tile-label">{props.label}</p>
    </div>
  );
}

/** Horizontal bars, one per label; the numbers are written beside them. */
function Bars(props: { id: string; title: string; bars: Array<{ label: string; count: number }> }) {
  const max = Math.max(1, ...props.bars.map((b) => b.count));
  const row = 28;
  const height = Math.max(row, props.bars.length * row);
  return (
    <figure class="card chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p class="empty">{t("dashboard.nothing")}</p>
      ) : (
        <svg viewBox={`0 0 320 ${height}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`}>
          <desc id={`${props.id}-desc`}>{props.bars.map((b) => `${b.label}: ${b.count}`).join(", ")}</desc>
          {props.bars.map((b, i) => (
            <g key={b.label} transform={`translate(0 ${i * row})`}>
              <text x="0" y="18" class="bar-label">
                {b.label}
              </text>
              <rect x="120" y="5" height="16" rx="3" width={Math.max(2, (b.count / max) * 160)} class="bar" />
              <text x={126 + (b.count / max) * 160} y="18" class="bar-value">
                {b.count}
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}

/** A period's service: time to acknowledge, SLA compliance and after-hours share, as gauges. */
function Period(props: { id: string; title: string; window: Window }) {
  const w = props.window;
  const ack = w.time_to_acknowledge;
  const seconds = (s: number | null) => (s === null ? "—" : duration(s));
  return (
    <figure class="card chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <dl class="facts">
        <dt>{t("dashboard.ackMedian")}</dt>
        <dd>{seconds(ack.median_seconds)}</dd>
        <dt>{t("dashboard.ackP90")}</dt>
        <dd>{seconds(ack.p90_seconds)}</dd>
      </dl>
      <Gauge
        id={`${props.id}-sla`}
        label={t("dashboard.sla")}
        share={w.sla.compliance}
        detail={t("dashboard.slaDetail", { met: w.sla.met, due: w.sla.due })}
      />
      <Gauge
        id={`${props.id}-after`}
        label={t("dashboard.afterHours")}
        share={w.after_hours.share}
        detail={t("dashboard.afterDetail", { count: w.after_hours.count, total: w.requests })}
      />
      {w.complete ? null : <p class="hint">{t("dashboard.incomplete")}</p>}
    </figure>
  );
}

function Gauge(props: { id: string; label: string; share: number | null; detail: string }) {
  const percent = props.share === null ? null : Math.round(props.share * 100);
  return (
    <div class="gauge">
      <p id={props.id}>
        <strong>{props.label}</strong>: {percent === null ? "—" : `${percent} %`}{" "}
        <span class="hint">({props.detail})</span>
      </p>
      <svg viewBox="0 0 200 12" role="img" aria-labelledby={props.id}>
        <rect x="0" y="0" width="200" height="12" rx="6" class="gauge-track" />
        {percent === null ? null : (
          <rect x="0" y="0" width={2 * percent} height="12" rx="6" class="gauge-fill" />
        )}
      </svg>
    </div>
  );
}
