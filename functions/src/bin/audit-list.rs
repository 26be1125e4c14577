fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::audit::list::handle)
}
