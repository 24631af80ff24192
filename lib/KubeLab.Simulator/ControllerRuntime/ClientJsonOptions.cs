using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// What the simulator adds to KubernetesClient's process-wide JSON options, which its in-process clients (controller manager,
/// scheduler, kubelets) decode every watch event with: shared strings (<see cref="PooledStringConverter"/>) and a fast path for
/// the API server's timestamps (<see cref="RfcTime"/>). Both read exactly the values KubernetesClient would.
/// </summary>
internal static class ClientJsonOptions
{
    private static int installed;
    private static bool active;

    /// <summary>
    /// Adds the converters once. The options freeze on first use: a host that deserialized Kubernetes objects before starting the
    /// simulator keeps KubernetesClient's plain converters, which only costs memory and time.
    /// </summary>
    /// <returns>Whether the converters are in effect.</returns>
    public static bool Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return Volatile.Read(ref active);
        try
        {
            k8s.KubernetesJson.AddJsonOptions(o =>
            {
                o.Converters.Add(new PooledStringConverter());
                // Ahead of KubernetesClient's own time converters (the first converter that accepts a type wins); they stay as the fallback.
                if (Find<DateTime>(o) is { } dateTime) o.Converters.Insert(0, new RfcDateTimeConverter(dateTime));
                if (Find<DateTimeOffset>(o) is { } offset) o.Converters.Insert(0, new RfcDateTimeOffsetConverter(offset));
            });
            Volatile.Write(ref active, true);
        }
        catch (InvalidOperationException) { }
        return Volatile.Read(ref active);
    }

    private static JsonConverter<T>? Find<T>(JsonSerializerOptions options) =>
        options.Converters.OfType<JsonConverter<T>>().FirstOrDefault();
}
