fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::push::vapid_key::handle)
}
