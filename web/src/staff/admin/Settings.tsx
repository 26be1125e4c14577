// The hotel's settings (name, time zone, contact, colour, default stay) and its logo; super
// admins only.
import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { Loading, Title } from "../../lib/ui";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { hotelDetails, hotels, type PublicHotel } from "../state";
import { Form, ImageUpload, SaveRow, TextInput, useAction } from "./common";

type Hotel = Schemas["Hotel"];

export function Settings(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="SUPERADMIN">
      {() => <SettingsScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

function SettingsScreen(props: { hotel: string }) {
  // The form starts from a fresh read (the public one may be cached), once: a later read
  // must not overwrite what the person is typing.
  const [known, setKnown] = useState<PublicHotel | null>(null);
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [address, setAddress] = useState("");
  const [website, setWebsite] = useState("");
  const [accent, setAccent] = useState("");
  const action = useAction();
  useEffect(() => {
    hotelDetails(props.hotel, true).then(({ hotel }) => {
      setKnown(hotel);
      setName(hotel.name);
      setTimezone(hotel.timezone);
      setPhone(hotel.contact.phone ?? "");
      setEmail(hotel.contact.email ?? "");
      setAddress(hotel.contact.address ?? "");
      setWebsite(hotel.contact.website ?? "");
      setAccent(hotel.branding.accent_color ?? "");
    }, action.fail);
  }, [props.hotel]);
  if (!known)
    return (
      <>
        {action.notices}
        <Loading label={t("app.loading")} />
      </>
    );
  return (
    <>
      <Title>{t("nav.settings")}</Title>
      <section class="card">
        <Form
          label={t("nav.settings")}
          onSubmit={() =>
            void action.run(async () => {
              await api.call<Hotel>("PATCH", `/hotels/${props.hotel}/admin/settings`, {
                body: { name, timezone, contact: { phone, email, address, website }, accent_color: accent },
              });
              await hotelDetails(props.hotel, true);
            })
          }
        >
          <TextInput
            id="hotel-name"
            label={t("settings.name")}
            value={name}
            required
            onInput={setName}
            autocomplete="organization"
          />
          <TextInput
            id="hotel-timezone"
            label={t("settings.timezone")}
            hint={t("settings.timezoneHint")}
            value={timezone}
            onInput={setTimezone}
          />
          <div class="two">
            <TextInput
              id="hotel-phone"
              type="tel"
              label={t("settings.phone")}
              value={phone}
              onInput={setPhone}
              autocomplete="tel"
            />
            <TextInput
              id="hotel-email"
              type="email"
              label={t("members.email")}
              value={email}
              onInput={setEmail}
              autocomplete="email"
            />
          </div>
          <TextInput
            id="hotel-address"
            label={t("settings.address")}
            value={address}
            onInput={setAddress}
            autocomplete="street-address"
          />
          <TextInput
            id="hotel-website"
            type="url"
            label={t("settings.website")}
            value={website}
            onInput={setWebsite}
            autocomplete="url"
          />
          <TextInput
            id="hotel-accent"
            label={t("settings.accent")}
            hint={t("settings.accentHint")}
            value={accent}
            onInput={setAccent}
          />
          <SaveRow action={action} />
        </Form>
      </section>
      <section class="card">
        <ImageUpload
          id="logo"
          label={t("settings.logo")}
          current={hotels.value[props.hotel]?.hotel.branding.logo_url ?? known.branding.logo_url}
          path={`/hotels/${props.hotel}/admin/logo`}
          onDone={async () => void (await hotelDetails(props.hotel, true))}
        />
      </section>
    </>
  );
}
