fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::stream(concierge::requests::mine_events::handle)
}
