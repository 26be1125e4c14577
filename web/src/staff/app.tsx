// The staff app: its routes under /staff, and what happens when the session ends (to the
// login page, coming back to the same page afterwards).
import { useEffect } from "preact/hooks";
import { LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import { api } from "../lib/api/client";
import { Title } from "../lib/ui";
import { loginUrl, WithMe } from "./guard";
import { t } from "./i18n";
import { Layout } from "./layout/Layout";
import { ChooseHotel } from "./login/ChooseHotel";
import { Login } from "./login/Login";
import { Notifications } from "./notifications/Notifications";
import { Queue } from "./queue/Queue";
import { RequestPage } from "./request/RequestPage";
import { arrival, homeOf, me } from "./state";

// Admin and operator screens load when first opened; the dashboard's charts with it alone.
const admin = () => import("./admin/screens");
const Departments = lazy(() => admin().then((s) => s.Departments));
const Experiences = lazy(() => admin().then((s) => s.Experiences));
const Members = lazy(() => admin().then((s) => s.Members));
const QrCodes = lazy(() => admin().then((s) => s.QrCodes));
const QrSheet = lazy(() => admin().then((s) => s.QrSheet));
const Settings = lazy(() => admin().then((s) => s.Settings));
const Audit = lazy(() => admin().then((s) => s.Audit));
const Export = lazy(() => admin().then((s) => s.Export));
const Stays = lazy(() => admin().then((s) => s.Stays));
const Operator = lazy(() => admin().then((s) => s.Operator));
const Dashboard = lazy(() => import("./dashboard/Dashboard").then((s) => s.Dashboard));

function NotFound() {
  return (
    <Layout>
      <Title>{t("notFound.title")}</Title>
      <a href="/staff/">{t("notFound.home")}</a>
    </Layout>
  );
}

/** `/staff/`: the person's hotel, or the login page. */
function Start() {
  const { route } = useLocation();
  return (
    <WithMe>
      {(who) => {
        setTimeout(() => route(homeOf(who), true), 0);
        return null;
      }}
    </WithMe>
  );
}

function Routes() {
  const { route } = useLocation();
  useEffect(
    () =>
      api.onSessionExpired(() => {
        if (location.pathname.startsWith("/staff/login")) return;
        me.value = null;
        arrival.value = "expired";
        route(loginUrl(location.pathname + location.search));
      }),
    [],
  );
  const h = "/staff/hotels/:hotel";
  return (
    <Router>
      <Route path="/staff" component={Start} />
      <Route path="/staff/" component={Start} />
      <Route path="/staff/login" component={Login} />
      <Route path="/staff/hotels" component={ChooseHotel} />
      <Route path={h} component={Queue} />
      <Route path={`${h}/requests/:id`} component={RequestPage} />
      <Route path={`${h}/dashboard`} component={Dashboard} />
      <Route path={`${h}/export`} component={Export} />
      <Route path={`${h}/stays`} component={Stays} />
      <Route path={`${h}/admin/departments`} component={Departments} />
      <Route path={`${h}/admin/experiences`} component={Experiences} />
      <Route path={`${h}/admin/members`} component={Members} />
      <Route path={`${h}/admin/qr-codes`} component={QrCodes} />
      <Route path={`${h}/admin/qr-codes/sheet`} component={QrSheet} />
      <Route path={`${h}/admin/settings`} component={Settings} />
      <Route path={`${h}/admin/audit`} component={Audit} />
      <Route path="/staff/notifications" component={Notifications} />
      <Route path="/staff/operator" component={Operator} />
      <Route default component={NotFound} />
    </Router>
  );
}

export function App() {
  return (
    <LocationProvider>
      <Routes />
    </LocationProvider>
  );
}
