//! The order of migrations across plugins: a dependency graph (petgraph) ordered
//! topologically with a stable tie-break, the plugins' own order first (a plugin after
//! the plugins it requires, then by name), then each migration's place in its plugin.
//! A cycle is reported with every member named.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// A migration in the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// `plugin:id`, how dependencies name it.
    pub key: String,
    /// Its plugin.
    pub plugin: String,
    /// Its place among its plugin's migrations.
    pub position: usize,
}

/// A graph that cannot be ordered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Migrations (or plugins) that depend on each other in a circle.
    #[error("a dependency cycle among {}; break it by removing one of their dependencies", .0.join(", "))]
    Cycle(Vec<String>),
    /// A dependency names nothing known.
    #[error("{from} depends on {to}, which no plugin has")]
    Unknown {
        /// The dependent.
        from: String,
        /// What it names.
        to: String,
    },
}

/// The plugins in dependency order (each after the plugins it requires), ties by name.
pub fn plugin_order(requires: &BTreeMap<String, Vec<String>>) -> Result<Vec<String>, GraphError> {
    let names: Vec<&String> = requires.keys().collect();
    let mut graph = DiGraph::<&str, ()>::new();
    let index: BTreeMap<&str, NodeIndex> = names
        .iter()
        .map(|n| (n.as_str(), graph.add_node(n.as_str())))
        .collect();
    for (plugin, needs) in requires {
        for need in needs {
            let Some(&from) = index.get(need.as_str()) else {
                return Err(GraphError::Unknown {
                    from: plugin.clone(),
                    to: need.clone(),
                });
            };
            graph.add_edge(from, index[plugin.as_str()], ());
        }
    }
    let rank = |n: NodeIndex| graph[n].to_owned();
    Ok(stable_topo(&graph, rank)?
        .into_iter()
        .map(|n| graph[n].to_owned())
        .collect())
}

/// The migrations in the order to apply them: every dependency before its dependent, ties
/// broken by the plugins' order, then by place in the plugin.
pub fn order(
    nodes: &[Node],
    plugins: &[String],
    dependencies: &[(String, String)],
) -> Result<Vec<usize>, GraphError> {
    let mut graph = DiGraph::<usize, ()>::new();
    let index: BTreeMap<&str, NodeIndex> = (nodes.iter().enumerate())
        .map(|(i, n)| (n.key.as_str(), graph.add_node(i)))
        .collect();
    for (from, to) in dependencies {
        // `from` depends on `to`: `to` comes first.
        let (Some(&a), Some(&b)) = (index.get(from.as_str()), index.get(to.as_str())) else {
            let missing = if index.contains_key(from.as_str()) {
                to
            } else {
                from
            };
            return Err(GraphError::Unknown {
                from: from.clone(),
                to: missing.clone(),
            });
        };
        graph.add_edge(b, a, ());
    }
    let plugin_rank = |p: &str| plugins.iter().position(|q| q == p).unwrap_or(usize::MAX);
    let rank = |n: NodeIndex| {
        let node = &nodes[graph[n]];
        (plugin_rank(&node.plugin), node.position)
    };
    let sorted = stable_topo(&graph, rank).map_err(|e| match e {
        GraphError::Cycle(members) => {
            let mut keys: Vec<String> = (members.iter())
                .filter_map(|m| m.parse::<usize>().ok())
                .map(|i| nodes[i].key.clone())
                .collect();
            keys.sort();
            GraphError::Cycle(keys)
        }
        other => other,
    })?;
    Ok(sorted.into_iter().map(|n| graph[n]).collect())
}

/// Kahn's algorithm, always taking the ready node with the smallest `rank`; a cycle is
/// named by its members (by their weights as text).
fn stable_topo<N: ToString, K: Ord>(
    graph: &DiGraph<N, ()>,
    rank: impl Fn(NodeIndex) -> K,
) -> Result<Vec<NodeIndex>, GraphError> {
    let mut waiting: Vec<usize> = graph
        .node_indices()
        .map(|n| graph.neighbors_directed(n, petgraph::Incoming).count())
        .collect();
    let mut ready: BinaryHeap<Reverse<(K, NodeIndex)>> = (graph.node_indices())
        .filter(|n| waiting[n.index()] == 0)
        .map(|n| Reverse((rank(n), n)))
        .collect();
    let mut out = Vec::with_capacity(graph.node_count());
    while let Some(Reverse((_, n))) = ready.pop() {
        out.push(n);
        for next in graph.neighbors_directed(n, petgraph::Outgoing) {
            waiting[next.index()] -= 1;
            if waiting[next.index()] == 0 {
                ready.push(Reverse((rank(next), next)));
            }
        }
    }
    if out.len() == graph.node_count() {
        return Ok(out);
    }
    let cycle = (tarjan_scc(graph).into_iter())
        .find(|c| c.len() > 1 || graph.contains_edge(c[0], c[0]))
        .unwrap_or_default();
    let mut members: Vec<String> = cycle.iter().map(|n| graph[*n].to_string()).collect();
    members.sort();
    Err(GraphError::Cycle(members))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(plugin: &str, id: &str, position: usize) -> Node {
        Node {
            key: format!("{plugin}:{id}"),
            plugin: plugin.into(),
            position,
        }
    }

    fn requires(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(p, r)| (p.to_string(), r.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn plugins_after_what_they_require_ties_by_name() {
        let order = plugin_order(&requires(&[
            ("stripe", &["jobs"]),
            ("notifications", &["jobs", "stripe"]),
            ("jobs", &[]),
            ("audit", &[]),
        ]))
        .unwrap();
        assert_eq!(order, ["audit", "jobs", "stripe", "notifications"]);
        let err = plugin_order(&requires(&[("a", &["b"]), ("b", &["a"])])).unwrap_err();
        assert_eq!(err, GraphError::Cycle(vec!["a".into(), "b".into()]));
        assert!(matches!(
            plugin_order(&requires(&[("a", &["ghost"])])),
            Err(GraphError::Unknown { .. })
        ));
    }

    #[test]
    fn migrations_follow_their_dependencies_then_plugin_order_then_position() {
        let plugins = ["jobs".to_string(), "stripe".to_string()];
        let nodes = [
            node("stripe", "001", 0),
            node("stripe", "002", 1),
            node("jobs", "001", 0),
            node("jobs", "002", 1),
        ];
        // Without dependencies: plugin order, then position.
        let keys = |order: Vec<usize>| {
            order
                .into_iter()
                .map(|i| nodes[i].key.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(order(&nodes, &plugins, &[]).unwrap()),
            ["jobs:001", "jobs:002", "stripe:001", "stripe:002"]
        );
        // jobs:002 needs stripe:001 (a cross-plugin dependency pulls it forward).
        let deps = [("jobs:002".to_string(), "stripe:001".to_string())];
        assert_eq!(
            keys(order(&nodes, &plugins, &deps).unwrap()),
            ["jobs:001", "stripe:001", "jobs:002", "stripe:002"]
        );
        // A cycle names every member.
        let cycle = [
            ("jobs:002".to_string(), "stripe:002".to_string()),
            ("stripe:002".to_string(), "jobs:002".to_string()),
        ];
        assert_eq!(
            order(&nodes, &plugins, &cycle).unwrap_err().to_string(),
            "a dependency cycle among jobs:002, stripe:002; break it by removing one of their dependencies"
        );
    }
}
