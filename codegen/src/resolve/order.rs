//! Orders the version files so that each comes after the version it extends, reporting unknown parents, abstract
//! versions extending concrete ones, and cycles. The first step of the resolve stage: [`super::resolve`] applies
//! the versions in this order.

use std::collections::HashMap;

use crate::check::VersionDraft;
use crate::diag::Diagnostics;

/// Orders versions so that each comes after the one it extends; among versions that are ready at the same
/// time, the one whose name sorts first in natural order (MSNP9 before MSNP10) goes first.
pub(super) fn order_versions(versions: &[VersionDraft], diags: &mut Diagnostics) -> Vec<usize> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (index, version) in versions.iter().enumerate() {
        if by_name.insert(&version.name, index).is_some() {
            diags.at(version.name_loc.clone(), format!("version `{}` is defined twice", version.name));
        }
    }
    let mut usable = vec![true; versions.len()];
    for (index, version) in versions.iter().enumerate() {
        if let Some((parent, at)) = &version.extends {
            match by_name.get(parent.as_str()) {
                None => {
                    diags.at(at.clone(), format!("`{}` extends `{parent}`, which is not defined", version.name));
                    usable[index] = false;
                }
                Some(&p) if versions[p].is_abstract || !version.is_abstract => {}
                Some(_) => {
                    diags.at(at.clone(), "an abstract version can only extend another abstract version");
                }
            }
        }
    }
    let mut done: Vec<usize> = Vec::new();
    let mut placed = vec![false; versions.len()];
    loop {
        let ready = (0..versions.len())
            .filter(|&i| !placed[i] && usable[i])
            .filter(|&i| match &versions[i].extends {
                None => true,
                Some((parent, _)) => by_name.get(parent.as_str()).is_some_and(|&p| placed[p]),
            })
            .min_by(|&a, &b| natural_key(&versions[a].name).cmp(&natural_key(&versions[b].name)));
        match ready {
            Some(i) => {
                placed[i] = true;
                done.push(i);
            }
            None => break,
        }
    }
    for (index, version) in versions.iter().enumerate() {
        if usable[index] && !placed[index] {
            let at = version.extends.as_ref().map_or(version.name_loc.clone(), |(_, at)| at.clone());
            diags.at(at, format!("`{}` is part of an `extends` cycle", version.name));
        }
    }
    done
}

/// Splits a name into text and number runs so that `MSNP9` sorts before `MSNP10`.
pub fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

#[cfg(test)]
mod tests {
    use super::{natural_key, order_versions};
    use crate::diag::Diagnostics;
    use crate::testing::{errors, parse};

    /// A version file: `name`, abstract or not, extending `parent` when given.
    fn version(name: &str, is_abstract: bool, parent: Option<&str>) -> String {
        let extends = parent.map(|p| format!("extends = \"{p}\"\n")).unwrap_or_default();
        format!("[version]\nname = \"{name}\"\n{extends}abstract = {is_abstract}\ndoc = \"A version.\"\n")
    }

    /// The names of the versions in `files` in the order they are applied, and the errors.
    fn order(files: &[(&str, String)]) -> (Vec<String>, Vec<String>) {
        let files: Vec<(&str, &str)> = files.iter().map(|(name, text)| (*name, text.as_str())).collect();
        let docs = parse(&files);
        let mut diags = Diagnostics::default();
        let checked = crate::check::check(&docs, &mut diags);
        let order = order_versions(&checked.versions, &mut diags);
        (order.into_iter().map(|i| checked.versions[i].name.clone()).collect(), errors(&docs, diags))
    }

    #[test]
    fn each_version_comes_after_the_one_it_extends() {
        let (order, errors) = order(&[
            ("a.toml", version("MSNP10", false, Some("MSNP9"))),
            ("b.toml", version("MSNP9", false, Some("common"))),
            ("c.toml", version("common", true, None)),
            ("d.toml", version("MSNP2", false, None)),
            ("e.toml", version("MSNP8", false, Some("common"))),
        ]);
        assert_eq!(errors, Vec::<String>::new());
        // Among the versions ready at once, natural order decides: MSNP2 before common, MSNP8 before MSNP9.
        assert_eq!(order, ["MSNP2", "common", "MSNP8", "MSNP9", "MSNP10"]);
    }

    #[test]
    fn unknown_parents_abstract_chains_cycles_and_twins() {
        let (order, errors) = order(&[
            ("a.toml", version("A", false, Some("GHOST"))),
            ("b.toml", version("B", true, Some("ROOT"))),
            ("c.toml", version("C1", false, Some("C2"))),
            ("d.toml", version("C2", false, Some("C1"))),
            ("e.toml", version("ROOT", false, None)),
            ("f.toml", version("ROOT", false, None)),
        ]);
        assert_eq!(
            errors,
            [
                "spec/a.toml:3:11: `A` extends `GHOST`, which is not defined",
                "spec/b.toml:3:11: an abstract version can only extend another abstract version",
                "spec/c.toml:3:11: `C1` is part of an `extends` cycle",
                "spec/d.toml:3:11: `C2` is part of an `extends` cycle",
                "spec/f.toml:2:8: version `ROOT` is defined twice",
            ]
        );
        // A version with an unknown parent or in a cycle is left out; the abstract one is still applied.
        assert_eq!(order, ["ROOT", "ROOT", "B"]);
    }

    #[test]
    fn natural_order() {
        let mut names = vec!["MSNP10", "MSNP9", "CVR0", "MSNP2", "common"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, ["CVR0", "MSNP2", "MSNP9", "MSNP10", "common"]);
    }
}
