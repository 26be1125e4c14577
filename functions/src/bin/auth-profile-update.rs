fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::auth::profile_update::handle)
}
