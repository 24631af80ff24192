using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Reads strings through <see cref="Util.SharedStrings"/> when KubernetesClient deserializes objects, so the informer caches of
/// the in-process components (controller manager, scheduler, 100 kubelets) share one copy of each repeated string. Writing is
/// unchanged; a client sees the same values, only fewer copies of them.
/// </summary>
internal sealed class PooledStringConverter : JsonConverter<string>
{
    private static int installed;
    private static bool active;

    /// <summary>
    /// Adds the converter to KubernetesClient's process-wide options once. Those options freeze on first use: a host that
    /// deserialized Kubernetes objects before starting the simulator keeps plain strings, which only costs memory.
    /// </summary>
    /// <returns>Whether the converter is in effect.</returns>
    public static bool Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return Volatile.Read(ref active);
        try
        {
            k8s.KubernetesJson.AddJsonOptions(o => o.Converters.Add(new PooledStringConverter()));
            Volatile.Write(ref active, true);
        }
        catch (InvalidOperationException) { }
        return Volatile.Read(ref active);
    }

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Util.SharedStrings.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Util.SharedStrings.Read(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}
