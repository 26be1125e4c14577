// The guest app: its routes, and what happens when the session ends (back to the room's page).
import { useEffect } from "preact/hooks";
import { LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import { api } from "../lib/api/client";
import { Title } from "../lib/ui";
import { t } from "./i18n";
import { Layout } from "./layout/Layout";
import { NoRoom, Scan } from "./scan/Scan";
import { arrival, savedRoomCode, session } from "./state";

// The room's page comes with the app; the screens after login load while the guest logs in.
const screens = () => import("./screens");
const Home = lazy(() => screens().then((s) => s.Home));
const Ask = lazy(() => screens().then((s) => s.Ask));
const Tracker = lazy(() => screens().then((s) => s.Tracker));
const Requests = lazy(() => screens().then((s) => s.Requests));

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
  useEffect(() => {
    const idle = setTimeout(() => void screens().catch(() => undefined), 0);
    return () => clearTimeout(idle);
  }, []);
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
