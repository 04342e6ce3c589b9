//! Every module file is declared somewhere: a `.rs` file under a crate's
//! `src/` that no `mod` reaches is never compiled, so its tests never run
//! and every check passes without it. This walks the module tree from each
//! crate root, as rustc resolves it (`mod x;` next to `lib.rs`/`mod.rs`, in
//! a folder named after any other file, `#[path]` and `cfg_attr` paths),
//! and names every file it does not reach.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

static MOD_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)\s*;")
        .expect("valid regex")
});
static PATH_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"path\s*=\s*"([^"]+)""#).expect("valid regex"));

/// The files a module declaration in `file` can load, by the attributes
/// above it (`attrs`) and its name.
fn targets(file: &Path, name: &str, attrs: &[&str]) -> Vec<PathBuf> {
    let here = file.parent().unwrap_or(Path::new("."));
    let mut out: Vec<PathBuf> = attrs
        .iter()
        .flat_map(|a| PATH_ATTR.captures_iter(a).map(|c| here.join(&c[1])).collect::<Vec<_>>())
        .collect();
    let explicit_only = attrs.iter().any(|a| a.starts_with("#[path"));
    if !explicit_only {
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        let base = if ["lib", "main", "mod"].contains(&stem.as_ref()) {
            here.to_path_buf()
        } else {
            here.join(&*stem)
        };
        out.push(base.join(format!("{name}.rs")));
        out.push(base.join(name).join("mod.rs"));
    }
    out
}

/// Every file reachable from `roots` through `mod` declarations.
pub fn reachable(roots: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<PathBuf> = roots.to_vec();
    while let Some(file) = todo.pop() {
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let file = crate::paths::normalize(&file);
        if !seen.insert(file.clone()) {
            continue;
        }
        let mut attrs: Vec<&str> = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("#[") {
                attrs.push(trimmed);
                continue;
            }
            if let Some(c) = MOD_DECL.captures(line) {
                todo.extend(targets(&file, &c[1], &attrs).into_iter().filter(|p| p.is_file()));
            }
            if !trimmed.starts_with("//") && !trimmed.is_empty() {
                attrs.clear();
            }
        }
    }
    seen
}

/// `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(crate::paths::normalize(&path));
        }
    }
    out
}

/// The module files of the examples and exercises crates that no module
/// declares, each with what to do.
pub fn undeclared() -> Vec<String> {
    let root = crate::paths::root();
    let mut problems = Vec::new();
    let crates: [(&str, &[&str]); 2] =
        [("examples", &["src"]), ("exercises", &["src", "solutions", "checks"])];
    for (name, folders) in crates {
        let base = root.join(name);
        // Crate roots: the library, each binary, and cargo's auto-discovered targets.
        let mut roots = vec![base.join("src/lib.rs"), base.join("src/main.rs")];
        for targets in ["src/bin", "tests", "examples", "benches"] {
            roots.extend(fs::read_dir(base.join(targets)).into_iter().flatten().flatten().map(|e| e.path()));
        }
        let reached = reachable(&roots);
        for folder in folders {
            for file in rust_files(&base.join(folder)) {
                if !reached.contains(&file) && !file.starts_with(base.join("src/bin")) {
                    let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
                    problems.push(format!(
                        "{shown} is not declared by any module, so it is never compiled or tested: add \
                         `mod {};` to the module beside it (or remove the file)",
                        file.file_stem().unwrap_or_default().to_string_lossy()
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_modules_path_attributes_and_cfg_attr_are_followed() {
        let dir = std::env::temp_dir().join(format!("xtask-modules-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/a")).unwrap();
        fs::create_dir_all(dir.join("alt")).unwrap();
        fs::write(dir.join("src/lib.rs"), "pub mod a;\n#[cfg_attr(x, path = \"../alt/b.rs\")]\nmod b;\n")
            .unwrap();
        fs::write(dir.join("src/a.rs"), "// a\nmod inner;\n").unwrap();
        fs::write(dir.join("src/a/inner.rs"), "").unwrap();
        fs::write(dir.join("src/b.rs"), "").unwrap();
        fs::write(dir.join("alt/b.rs"), "").unwrap();
        fs::write(dir.join("src/forgotten.rs"), "").unwrap();
        let reached = reachable(&[dir.join("src/lib.rs")]);
        for file in ["src/a.rs", "src/a/inner.rs", "src/b.rs", "alt/b.rs"] {
            assert!(reached.contains(&dir.join(file)), "{file} should be reached: {reached:?}");
        }
        assert!(!reached.contains(&dir.join("src/forgotten.rs")));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_course_crates_declare_every_module_file() {
        assert_eq!(undeclared(), Vec::<String>::new());
    }
}
