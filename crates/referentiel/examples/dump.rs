//! Prints the parsed embedded edition and its diagnostics: `cargo run -p metiers-referentiel --example dump`.
fn main() {
    let p = metiers_referentiel::published();
    for d in &p.diagnostics {
        println!("{:?} {} {:?} {}", d.line, d.severity, d.occupation, d.message);
    }
    for o in &p.referentiel.occupations {
        let n: usize = o.activities().count();
        let dn: usize = o.activities().map(|a| a.details.len()).sum();
        println!("{} | {} | alt={:?} | edu={:?} | sum={:?} | groups={} acts={} details={}", o.id, o.title, o.alt_titles, o.education, o.summary, o.activity_groups.len(), n, dn);
    }
}
