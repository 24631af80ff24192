using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Reads strings through <see cref="Util.SharedStrings"/> when KubernetesClient deserializes objects, so the informer caches of
/// the in-process components (controller manager, scheduler, 100 kubelets) share one copy of each repeated string. Writing is
/// unchanged; a client sees the same values, only fewer copies of them. Installed by <see cref="ClientJsonOptions"/>.
/// </summary>
internal sealed class PooledStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Util.SharedStrings.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Util.SharedStrings.Read(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}
