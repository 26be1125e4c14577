fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::job(concierge::jobs::digest::JOB)
}
