fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::requests::mine_detail::handle)
}
