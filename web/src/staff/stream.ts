// The hotel's live activity (the staff stream): each history entry of a request of the
// person's departments, as it happens. When the browser gives up on the stream (the session
// expired, say), the page catches up by other means and a new stream opens; a session that
// cannot be renewed ends at the login page.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../lib/api/client";
import { follow, type LiveState } from "../lib/live";
import type { Activity } from "./state";

export function useStaffStream(
  hotel: string,
  onActivity: (activity: Activity) => void,
  catchUp: () => Promise<void>,
): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  const handlers = useRef({ onActivity, catchUp });
  handlers.current = { onActivity, catchUp };
  useEffect(
    () =>
      follow(`/api/v1/hotels/${encodeURIComponent(hotel)}/admin/events`, ["activity"], {
        onEvent: (_name, data) => handlers.current.onActivity(data as Activity),
        onState: setState,
        closed: async () => {
          // A 401 here that a refresh cannot cure ends the session (the app goes to login).
          await api.get("/auth/profile");
          await handlers.current.catchUp();
          return true;
        },
      }),
    [hotel],
  );
  return state;
}

/** The seconds clock every countdown on the page reads, ticking once a second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
