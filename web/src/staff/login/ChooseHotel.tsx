// The hotels a person belongs to, to choose the one to work in.
import { useEffect } from "preact/hooks";
import { Notice, Title } from "../../lib/ui";
import { WithMe } from "../guard";
import { t } from "../i18n";
import { Layout } from "../layout/Layout";
import { hotelDetails, hotels } from "../state";

export function ChooseHotel() {
  return (
    <WithMe>
      {(who) => (
        <Layout>
          <Title>{t("hotels.title")}</Title>
          {who.memberships.length === 0 ? (
            <Notice kind="info">{t("hotels.none")}</Notice>
          ) : (
            <HotelList
              slugs={who.memberships.map((m) => m.hotel)}
              roles={who.memberships.map((m) => m.role)}
            />
          )}
          {who.user.is_operator ? (
            <p>
              <a href="/staff/operator">{t("nav.operator")}</a>
            </p>
          ) : null}
        </Layout>
      )}
    </WithMe>
  );
}

function HotelList(props: { slugs: string[]; roles: string[] }) {
  useEffect(() => {
    for (const slug of props.slugs) void hotelDetails(slug).catch(() => undefined);
  }, [props.slugs.join(",")]);
  return (
    <ul class="choices">
      {props.slugs.map((slug, i) => (
        <li key={slug}>
          <a class="choice" href={`/staff/hotels/${slug}`}>
            <span class="choice-name">{hotels.value[slug]?.hotel.name ?? slug}</span>
            <span class="badge">{t(`role.${props.roles[i] as "STAFF" | "ADMIN" | "SUPERADMIN"}`)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
