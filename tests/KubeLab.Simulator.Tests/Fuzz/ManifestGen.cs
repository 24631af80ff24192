using System.Text.Json.Nodes;
using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>The kinds the fuzz tests create, each a valid manifest and the field paths worth corrupting.</summary>
public sealed record FuzzKind(string Name, string Collection, Func<string, JsonObject> Valid, string[] Paths)
{
    public static readonly string[] CommonPaths =
    [
        "apiVersion", "kind", "metadata", "metadata.name", "metadata.generateName", "metadata.labels", "metadata.labels.app",
        "metadata.labels.x", "metadata.annotations", "metadata.annotations.note", "metadata.namespace", "metadata.resourceVersion",
        "metadata.uid", "metadata.finalizers", "metadata.finalizers.#0", "metadata.ownerReferences", "metadata.ownerReferences.#0.name",
        "metadata.creationTimestamp", "metadata.deletionTimestamp", "metadata.generation", "metadata.managedFields", "status", "x-unknown",
        "metadata.x-unknown",
    ];

    public static readonly FuzzKind ConfigMap = new("ConfigMap", "/api/v1/namespaces/{ns}/configmaps",
        name => Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","labels":{"app":"fz"}},"data":{"k":"v"}}""", name),
        ["data", "data.k", "data.other", "data.a/b", "binaryData", "binaryData.b", "immutable"]);

    public static readonly FuzzKind Pod = new("Pod", "/api/v1/namespaces/{ns}/pods",
        name => Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","labels":{"app":"fz"}},"spec":{"containers":[{"name":"c","image":"busybox:1.36","command":["sleep","3600"]}]}}""", name),
        ["spec", "spec.containers", "spec.containers.#0", "spec.containers.#0.name", "spec.containers.#0.image", "spec.containers.#0.command",
         "spec.containers.#0.args", "spec.containers.#0.ports", "spec.containers.#0.ports.#0.containerPort", "spec.containers.#0.ports.#0.protocol",
         "spec.containers.#0.env", "spec.containers.#0.env.#0.name", "spec.containers.#0.env.#0.value", "spec.containers.#0.resources.limits.cpu",
         "spec.containers.#0.resources.requests.memory", "spec.containers.#0.readinessProbe.httpGet.port", "spec.containers.#0.x-unknown",
         "spec.containers.#1", "spec.initContainers", "spec.restartPolicy", "spec.terminationGracePeriodSeconds", "spec.activeDeadlineSeconds",
         "spec.nodeSelector", "spec.tolerations", "spec.tolerations.#0.key", "spec.volumes", "spec.volumes.#0.name", "spec.volumes.#0.emptyDir",
         "spec.affinity", "spec.hostNetwork", "spec.priority", "spec.schedulerName", "spec.x-unknown", "status.phase"]);

    public static readonly FuzzKind Deployment = new("Deployment", "/apis/apps/v1/namespaces/{ns}/deployments",
        name => Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}""", name),
        ["spec", "spec.replicas", "spec.selector", "spec.selector.matchLabels", "spec.selector.matchLabels.app", "spec.selector.matchExpressions",
         "spec.template", "spec.template.metadata.labels", "spec.template.metadata.labels.app", "spec.template.spec.containers",
         "spec.template.spec.containers.#0.image", "spec.template.spec.containers.#0.name", "spec.strategy", "spec.strategy.type",
         "spec.strategy.rollingUpdate.maxSurge", "spec.strategy.rollingUpdate.maxUnavailable", "spec.minReadySeconds",
         "spec.revisionHistoryLimit", "spec.paused", "spec.progressDeadlineSeconds", "spec.x-unknown"]);

    public static readonly FuzzKind[] All = [ConfigMap, Pod, Deployment];

    public string PathIn(string ns) => Collection.Replace("{ns}", ns, StringComparison.Ordinal);

    private static JsonObject Parse(string json, string name) => (JsonObject)JsonNode.Parse(json.Replace("NAME", name, StringComparison.Ordinal))!;
}

/// <summary>A manifest for one kind with a few fields set to random values (any type), removed, or added where unknown.</summary>
public static class ManifestGen
{
    public static Gen<(FuzzKind Kind, string Body)> For(string namePrefix) =>
        from kind in Gen.OneOf(FuzzKind.All)
        from suffix in Gen.String.AlphaNumeric.Where(s => s.Length >= 6).Select(s => s[..6].ToLowerInvariant())
        from edits in Edit(kind).Array[0, 5]
        select (kind, Build(kind, $"{namePrefix}-{suffix}", edits));

    private static Gen<(string Path, bool Remove, JsonNode? Value)> Edit(FuzzKind kind) =>
        from path in Gen.OneOf<string>(Gen.OneOf(kind.Paths), Gen.OneOf(FuzzKind.CommonPaths))
        from remove in Gen.Int[0, 5].Select(i => i == 0)
        from value in JsonGen.Value
        select (path, remove, value);

    private static string Build(FuzzKind kind, string name, (string Path, bool Remove, JsonNode? Value)[] edits)
    {
        var doc = kind.Valid(name);
        foreach (var (path, remove, value) in edits)
        {
            if (remove) JsonGen.Remove(doc, path);
            else JsonGen.Set(doc, path, value);
        }
        return JsonGen.Tame(doc)!.ToJsonString();
    }
}
