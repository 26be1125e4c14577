fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::qr::create::handle)
}
