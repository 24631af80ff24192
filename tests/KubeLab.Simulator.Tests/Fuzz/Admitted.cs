using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>"What the server admitted is what it stores": a read right after a write returns the written object.</summary>
public static class Admitted
{
    /// <summary>
    /// Compares what a write answered with a later read. ConfigMaps have no controller, so all of it must match; for pods and
    /// Deployments controllers write status (and the scheduler spec.nodeName, the Deployment controller a revision annotation),
    /// so identity, labels and the spec are compared.
    /// </summary>
    public static void AssertSame(FuzzKind kind, JsonObject written, JsonObject read, string request)
    {
        if (kind == FuzzKind.ConfigMap)
        {
            Assert.True(JsonNode.DeepEquals(written, read), $"{request}\nadmitted: {written.ToJsonString()}\nread:     {read.ToJsonString()}");
            return;
        }
        foreach (var field in new[] { "uid", "name", "namespace", "labels", "creationTimestamp" })
            Assert.True(JsonNode.DeepEquals(written["metadata"]?[field], read["metadata"]?[field]),
                $"{request}\nmetadata.{field} admitted {written["metadata"]?[field]?.ToJsonString()} read {read["metadata"]?[field]?.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(SpecOf(written), SpecOf(read)), $"{request}\nadmitted spec: {SpecOf(written)?.ToJsonString()}\nread spec:     {SpecOf(read)?.ToJsonString()}");
    }

    private static JsonNode? SpecOf(JsonObject o)
    {
        var spec = o["spec"]?.DeepClone();
        if (spec is JsonObject s) s.Remove("nodeName"); // bound by the scheduler meanwhile
        return spec;
    }
}
