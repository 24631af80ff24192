using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Decodes one watch event line, <c>{"type":"…","object":{…}}</c>, straight from its UTF-8 bytes with KubernetesClient's own
/// serializer options (its source-generated contract, converters and the simulator's pooled strings), so the objects are
/// exactly those its Watcher produces – without the UTF-16 copy of the line and the second parse the Watcher makes (it reads
/// each line once as a generic object to look at its kind, then again as T). An ERROR event carries a Status and is reported
/// as a <see cref="KubernetesException"/>, the way client-go's reflector turns it into an API error (apierrors.FromObject):
/// the informer relists on 410 Gone. A line that does not decode is reported and skipped, as KubernetesClient does.
/// </summary>
internal static class WatchEventDecoder
{
    /// <summary>KubernetesClient's process-wide options: AddJsonOptions hands out the instance its Deserialize uses.</summary>
    private static readonly Lazy<JsonSerializerOptions> Options = new(() =>
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options!;
    });

    /// <summary>The contract of T, resolved once per type (resolving it freezes the options, as KubernetesClient's first use does).</summary>
    private static class Contract<T>
    {
        public static readonly JsonTypeInfo<T> Info = (JsonTypeInfo<T>)Options.Value.GetTypeInfo(typeof(T));
    }

    /// <summary>
    /// The event on <paramref name="line"/>; false for a blank line, an ERROR event (passed to <paramref name="onError"/> as a
    /// <see cref="KubernetesException"/>) or a line that does not decode (its exception passed to <paramref name="onError"/>).
    /// </summary>
    public static bool TryDecode<T>(ReadOnlySpan<byte> line, Action<Exception>? onError, out WatchEventType type, out T? obj)
    {
        type = default;
        obj = default;
        if (line.Trim(" \t\r"u8).IsEmpty) return false;
        V1Status? status;
        try { Decode(line, out type, out obj, out status); }
        catch (Exception e) // KubernetesClient's Watcher reports whatever its Deserialize throws and reads on
        {
            onError?.Invoke(e);
            return false;
        }
        if (status is null) return true;
        onError?.Invoke(new KubernetesException(status));
        return false;
    }

    private static void Decode<T>(ReadOnlySpan<byte> line, out WatchEventType type, out T? obj, out V1Status? status)
    {
        type = default;
        obj = default;
        status = null;
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a watch event is not a JSON object");
        var hasType = false;
        int deferredFrom = -1, deferredTo = 0; // the object, when it came before the type
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = EventType(ref reader);
                hasType = true;
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (hasType) ReadObject(ref reader, type, out obj, out status);
                else
                {
                    deferredFrom = (int)reader.TokenStartIndex;
                    reader.Skip();
                    deferredTo = (int)reader.BytesConsumed;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (!hasType) throw new JsonException("a watch event without a type");
        if (deferredFrom >= 0)
        {
            var objectReader = new Utf8JsonReader(line[deferredFrom..deferredTo]);
            objectReader.Read();
            ReadObject(ref objectReader, type, out obj, out status);
        }
        if (type == WatchEventType.Error) status ??= new V1Status(); // an ERROR without its Status is still an error
    }

    private static void ReadObject<T>(ref Utf8JsonReader reader, WatchEventType type, out T? obj, out V1Status? status)
    {
        obj = default;
        status = null;
        if (type == WatchEventType.Error) status = JsonSerializer.Deserialize(ref reader, Contract<V1Status>.Info);
        else obj = JsonSerializer.Deserialize(ref reader, Contract<T>.Info);
    }

    private static WatchEventType EventType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("a watch event type is not a string");
        if (reader.ValueTextEquals("MODIFIED"u8)) return WatchEventType.Modified;
        if (reader.ValueTextEquals("ADDED"u8)) return WatchEventType.Added;
        if (reader.ValueTextEquals("DELETED"u8)) return WatchEventType.Deleted;
        if (reader.ValueTextEquals("BOOKMARK"u8)) return WatchEventType.Bookmark;
        if (reader.ValueTextEquals("ERROR"u8)) return WatchEventType.Error;
        throw new JsonException($"unknown watch event type \"{reader.GetString()}\"");
    }
}
