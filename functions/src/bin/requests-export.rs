fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::stream(concierge::requests::export::handle)
}
