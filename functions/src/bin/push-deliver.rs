fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::queue(concierge::push::deliver::consume)
}
