fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::http(concierge::experiences::image::handle)
}
