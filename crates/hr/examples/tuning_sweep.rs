//! The outside measures of issue 12 (pairs of occupations among the 5 closest; AUC of the gap
//! coverage) for a grid of the skill space's weights: how far weights alone can move them.
//! Figures in docs/PERFORMANCE.md (« Métiers proches et écarts »).
//!
//!     cargo run --release -p metiers-hr --example tuning_sweep

use metiers_hr::eval::{measure, overlap_pairs};
use metiers_hr::space::{SkillSpace, Tuning};

fn main() {
    let r = metiers_referentiel::published().referentiel;
    let k = metiers_knowledge::Knowledge::embedded().expect("données embarquées");
    let pairs = overlap_pairs(include_str!("../../../data/eval/dev.jsonl"), &r);
    let base = Tuning::default();
    let m = measure(&SkillSpace::with_tuning(&r, &k, base), &pairs, 5);
    println!(
        "en usage : {} paires sur {}, AUC {:.3}",
        m.found, m.pairs, m.auc
    );
    let mut best_found = (0, String::new());
    let mut best_auc = (0.0, String::new());
    for related_credit in [0.3, 0.5, 0.7, 0.9] {
        for repertory_coverage in [0.2, 0.35, 0.5, 0.65, 0.8] {
            for related_floor in [0.2, 0.3, 0.4] {
                for secondary in [0.3, 0.5, 0.8] {
                    let t = Tuning {
                        related_credit,
                        repertory_coverage,
                        related_floor,
                        secondary,
                        ..base
                    };
                    let m = measure(&SkillSpace::with_tuning(&r, &k, t), &pairs, 5);
                    let line = format!(
                        "related_credit {related_credit}, repertory_coverage {repertory_coverage}, related_floor {related_floor}, secondary {secondary} : {} paires, AUC {:.3}",
                        m.found, m.auc
                    );
                    println!("{line}");
                    if m.found > best_found.0 {
                        best_found = (m.found, line.clone());
                    }
                    if m.auc > best_auc.0 {
                        best_auc = (m.auc, line);
                    }
                }
            }
        }
    }
    println!("le plus de paires : {}", best_found.1);
    println!("la meilleure AUC : {}", best_auc.1);
}
