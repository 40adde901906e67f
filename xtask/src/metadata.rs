//! The resolved dependency graph from `cargo metadata`, and what the
//! published crates ship: every package reached from a published
//! workspace crate through normal and build dependencies (never dev ones,
//! which a user of the crate does not compile), with the path that pulls
//! it in.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

/// One package of the resolve, as `cargo metadata` describes it.
#[derive(Debug, Deserialize)]
pub struct Package {
    /// Package id (unique in the graph).
    pub id: String,
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Its declared minimum Rust version, if any.
    pub rust_version: Option<String>,
    /// Its SPDX licence expression, if any.
    pub license: Option<String>,
    /// Its licence file, when it names one instead of (or beside) an expression.
    pub license_file: Option<String>,
    /// `None`: publishable anywhere; `Some([])`: `publish = false`.
    pub publish: Option<Vec<String>>,
    /// Description.
    pub description: Option<String>,
    /// Repository URL.
    pub repository: Option<String>,
    /// README path.
    pub readme: Option<String>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// `[package.metadata]`.
    #[serde(default)]
    pub metadata: serde_json::Value,
    /// Its `Cargo.toml`.
    pub manifest_path: String,
}

impl Package {
    /// `name version`.
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

#[derive(Deserialize)]
struct Raw {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    resolve: Option<Resolve>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    /// `null` for a normal dependency, `"build"` or `"dev"`.
    kind: Option<String>,
}

/// The workspace and its resolved graph (all features the workspace
/// enables, all target platforms).
#[derive(Debug)]
pub struct Metadata {
    packages: BTreeMap<String, Package>,
    members: Vec<String>,
    /// Normal and build dependencies of each package, by id.
    shipped_deps: BTreeMap<String, Vec<String>>,
}

/// A package a published crate ships, and how it gets there.
pub struct Reached<'a> {
    /// The package.
    pub package: &'a Package,
    /// The shortest chain from a published workspace crate to it, both ends
    /// included (just the crate itself for a published crate).
    pub path: Vec<&'a Package>,
}

impl Reached<'_> {
    /// The path as `a → b → c`.
    pub fn path_text(&self) -> String {
        self.path
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

impl Metadata {
    /// Runs `cargo metadata --format-version 1 --locked` in `root` (the
    /// graph Cargo.lock resolves to) and parses it.
    ///
    /// # Errors
    /// When cargo fails (for instance Cargo.lock is out of date) or its
    /// output is not what this code expects.
    pub fn load(root: &Path) -> Result<Self, String> {
        let output = Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo metadata --locked failed ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let json = String::from_utf8(output.stdout)
            .map_err(|e| format!("cargo metadata printed invalid UTF-8: {e}"))?;
        Self::parse(&json)
    }

    /// Parses the output of `cargo metadata --format-version 1`.
    ///
    /// # Errors
    /// When it is not valid JSON of that shape, or has no resolve graph.
    pub fn parse(json: &str) -> Result<Self, String> {
        let raw: Raw = serde_json::from_str(json)
            .map_err(|e| format!("cannot read cargo metadata's output: {e}"))?;
        let resolve = raw
            .resolve
            .ok_or("cargo metadata gave no resolve graph (was it run with --no-deps?)")?;
        let shipped_deps = resolve
            .nodes
            .into_iter()
            .map(|node| {
                let deps = node
                    .deps
                    .into_iter()
                    .filter(|d| d.dep_kinds.iter().any(|k| k.kind.as_deref() != Some("dev")))
                    .map(|d| d.pkg)
                    .collect();
                (node.id, deps)
            })
            .collect();
        let packages = raw
            .packages
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        Ok(Self {
            packages,
            members: raw.workspace_members,
            shipped_deps,
        })
    }

    /// The workspace crates that can be published (no `publish = false`),
    /// by name.
    pub fn published(&self) -> Vec<&Package> {
        let mut out: Vec<&Package> = self
            .members
            .iter()
            .filter_map(|id| self.packages.get(id))
            .filter(|p| p.publish.as_ref().is_none_or(|to| !to.is_empty()))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The workspace crates with `publish = false`, by name.
    pub fn unpublished(&self) -> Vec<&Package> {
        let published: BTreeSet<&str> = self.published().iter().map(|p| p.id.as_str()).collect();
        let mut out: Vec<&Package> = self
            .members
            .iter()
            .filter(|id| !published.contains(id.as_str()))
            .filter_map(|id| self.packages.get(id))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Breadth-first over normal and build edges from `roots`: each package
    /// reached, with the package it was first reached from (`None` for a root).
    fn reach<'a>(&'a self, roots: &[&'a str]) -> BTreeMap<&'a str, Option<&'a str>> {
        let mut parent: BTreeMap<&str, Option<&str>> = BTreeMap::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        for root in roots {
            parent.insert(root, None);
            queue.push_back(root);
        }
        while let Some(id) = queue.pop_front() {
            for dep in self.shipped_deps.get(id).into_iter().flatten() {
                if !parent.contains_key(dep.as_str()) {
                    parent.insert(dep, Some(id));
                    queue.push_back(dep);
                }
            }
        }
        parent
    }

    /// Every package the published crates ship (themselves included), each
    /// once, with its shortest path from a published crate; sorted by name
    /// and version.
    pub fn shipped(&self) -> Vec<Reached<'_>> {
        // Paths start from the published crate with the smallest graph
        // among those at the same distance (`payout-transport → reqwest`
        // rather than `payout-cli → reqwest`): the most basic one.
        let mut roots = self.published();
        roots.sort_by_key(|p| self.reach(&[p.id.as_str()]).len());
        let roots: Vec<&str> = roots.iter().map(|p| p.id.as_str()).collect();
        let parent = self.reach(&roots);
        let mut out: Vec<Reached<'_>> = parent
            .keys()
            .filter_map(|id| {
                let package = self.packages.get(*id)?;
                let mut path = vec![package];
                let mut at = *id;
                while let Some(Some(up)) = parent.get(at) {
                    path.push(self.packages.get(*up)?);
                    at = up;
                }
                path.reverse();
                Some(Reached { package, path })
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.package.name, &a.package.version).cmp(&(&b.package.name, &b.package.version))
        });
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A package entry of `cargo metadata`'s output.
    pub fn package(name: &str, rust_version: Option<&str>, license: Option<&str>) -> String {
        let publish = if name.ends_with("-internal") {
            "[]"
        } else {
            "null"
        };
        serde_json::json!({
            "id": format!("{name} 1.0.0"),
            "name": name,
            "version": "1.0.0",
            "rust_version": rust_version,
            "license": license,
            "license_file": null,
            "publish": serde_json::from_str::<serde_json::Value>(publish).unwrap(),
            "description": null,
            "repository": null,
            "readme": null,
            "manifest_path": format!("/ws/{name}/Cargo.toml"),
        })
        .to_string()
    }

    /// A small workspace: `lib` (published) → `mid` → `leaf`; `lib` dev →
    /// `devonly`; `tool-internal` (unpublished) → `tooldep`.
    pub fn sample(rust_versions: &[(&str, Option<&str>)]) -> Metadata {
        let rv = |name: &str| {
            rust_versions
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| *v)
        };
        let names = ["lib", "mid", "leaf", "devonly", "tool-internal", "tooldep"];
        let packages: Vec<String> = names
            .iter()
            .map(|n| package(n, rv(n), Some("MIT")))
            .collect();
        let dep = |to: &str, kind: Option<&str>| {
            serde_json::json!({"name": to, "pkg": format!("{to} 1.0.0"),
                "dep_kinds": [{"kind": kind, "target": null}]})
        };
        let node = |id: &str, deps: Vec<serde_json::Value>| serde_json::json!({"id": format!("{id} 1.0.0"), "deps": deps, "features": []});
        let nodes = serde_json::json!([
            node("lib", vec![dep("mid", None), dep("devonly", Some("dev"))]),
            node("mid", vec![dep("leaf", Some("build"))]),
            node("leaf", vec![]),
            node("devonly", vec![]),
            node("tool-internal", vec![dep("tooldep", None)]),
            node("tooldep", vec![]),
        ]);
        let json = format!(
            r#"{{"packages": [{}], "workspace_members": ["lib 1.0.0", "tool-internal 1.0.0"],
                "resolve": {{"nodes": {nodes}, "root": null}}, "version": 1}}"#,
            packages.join(",")
        );
        Metadata::parse(&json).unwrap()
    }

    #[test]
    fn shipped_follows_normal_and_build_edges_of_published_crates() {
        let m = sample(&[]);
        let shipped = m.shipped();
        let names: Vec<&str> = shipped.iter().map(|r| r.package.name.as_str()).collect();
        assert_eq!(names, ["leaf", "lib", "mid"]);
        let leaf = &shipped[0];
        assert_eq!(leaf.path_text(), "lib → mid → leaf");
        assert_eq!(
            m.published().iter().map(|p| &p.name).collect::<Vec<_>>(),
            ["lib"]
        );
        assert_eq!(
            m.unpublished().iter().map(|p| &p.name).collect::<Vec<_>>(),
            ["tool-internal"]
        );
    }

    #[test]
    fn refuses_output_without_a_resolve() {
        let json = r#"{"packages": [], "workspace_members": [], "resolve": null}"#;
        assert!(Metadata::parse(json).unwrap_err().contains("--no-deps"));
        assert!(Metadata::parse("not json").is_err());
    }
}
