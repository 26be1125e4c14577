fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::hotels::settings::handle)
}
