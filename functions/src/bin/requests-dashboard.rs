fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::requests::dashboard::handle)
}
