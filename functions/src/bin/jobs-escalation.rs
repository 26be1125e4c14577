fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::job(concierge::jobs::escalation::JOB)
}
