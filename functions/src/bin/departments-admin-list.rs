fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::departments::admin_list::handle)
}
