// The staff app: its routes under /staff, and what happens when the session ends (to the
// login page, coming back to the same page afterwards).
import { useEffect } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
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
      <Route path="/staff/notifications" component={Notifications} />
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
