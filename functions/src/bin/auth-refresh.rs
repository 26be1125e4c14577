fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::auth::refresh::handle)
}
