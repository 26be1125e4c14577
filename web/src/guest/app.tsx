// The guest app: its routes, and what happens when the session ends (back to the room's page).
import { useEffect } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { api } from "../lib/api/client";
import { Title } from "../lib/ui";
import { Ask } from "./ask/Ask";
import { Home } from "./home/Home";
import { t } from "./i18n";
import { Layout } from "./layout/Layout";
import { Requests } from "./requests/Requests";
import { NoRoom, Scan } from "./scan/Scan";
import { arrival, savedRoomCode, session } from "./state";
import { Tracker } from "./tracker/Tracker";

function NotFound() {
  return (
    <Layout>
      <Title>{t("notFound.title")}</Title>
      <a href="/">{t("notFound.home")}</a>
    </Layout>
  );
}

function Routes() {
  const { route } = useLocation();
  useEffect(
    () =>
      api.onSessionExpired(() => {
        session.value = null;
        arrival.value = "expired";
        const code = savedRoomCode();
        route(code ? `/scan/${code}` : "/scan");
      }),
    [],
  );
  return (
    <Router>
      <Route path="/" component={Home} />
      <Route path="/scan" component={NoRoom} />
      <Route path="/scan/:code" component={Scan} />
      <Route path="/ask/:department" component={Ask} />
      <Route path="/ask/:department/:experience" component={Ask} />
      <Route path="/requests" component={Requests} />
      <Route path="/requests/:id" component={Tracker} />
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
