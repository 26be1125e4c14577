fn main() -> Result<(), concierge::lambda::Error> {
    concierge::lambda::job(concierge::jobs::otp_cleanup::JOB)
}
