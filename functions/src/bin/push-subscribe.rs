fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::push::subscribe::handle)
}
