fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::queue(concierge::otp::fallback::consume)
}
