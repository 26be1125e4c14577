fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::qr::update::handle)
}
