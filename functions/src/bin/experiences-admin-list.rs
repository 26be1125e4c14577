fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::experiences::admin_list::handle)
}
