using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// Parses a request body into the JSON tree the API server stores, built for being kept: property names and short string
/// values come from <see cref="Util.SharedStrings"/> instead of one copy per object, and strings are plain values rather than views into the parsed
/// document (a view keeps the whole request body and its token table alive for as long as any one value of it is stored).
/// At 10,000 pods that was a third of the API server's heap. Numbers and booleans stay <see cref="JsonElement"/> values, so
/// every reader (<c>GetValue&lt;int&gt;()</c> of a parsed number…) sees what <see cref="JsonNode.Parse(ReadOnlySpan{byte}, JsonNodeOptions?, JsonDocumentOptions)"/>
/// gives; their elements come from a small cache of literals. Syntax errors are the same <see cref="JsonException"/>s;
/// anything else unusual (a repeated property name, invalid UTF-8 in a string) is left to <c>JsonNode.Parse</c> unchanged.
/// </summary>
public static class JsonTreeReader
{
    private const int MaxCachedNumbers = 4096;

    private static readonly ConcurrentDictionary<string, JsonElement> Numbers = new(StringComparer.Ordinal);
    // ConcurrentDictionary.Count takes every lock of the table: on a full table it ran for each new string, so count here.
    private static int cachedNumberCount;
    // Elements of a cloned (non-disposable) document: JsonElement.Clone() returns those as they are, so a DeepClone of a stored
    // tree shares them. An element of a JsonDocument.Parse result is copied into a new document on every clone (~150 bytes each,
    // kept by every stored copy: issue 7).
    private static readonly JsonElement True = JsonDocument.Parse("true").RootElement.Clone();
    private static readonly JsonElement False = JsonDocument.Parse("false").RootElement.Clone();

    /// <summary>A repeated property name: encoding/json keeps the last, JsonObject refuses it; JsonNode.Parse decides as before.</summary>
    private sealed class Unusual : Exception;

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read()) throw new JsonException("The input does not contain any JSON tokens.");
            var root = ReadValue(ref reader);
            // Anything after the root value is a syntax error, worded by the reader itself.
            if (reader.Read()) throw new JsonException($"'{(char)reader.ValueSpan[0]}' is invalid after a single JSON value. Expected end of data.");
            return root;
        }
        catch (Unusual) { return JsonNode.Parse(utf8); }
        catch (InvalidOperationException) { return JsonNode.Parse(utf8); }
        finally
        {
            // A failed parse leaves members of unfinished objects behind; nothing may keep them alive.
            PendingMembers.ForThread.Clear();
            PendingItems.ForThread.Clear();
        }
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                // Members are collected first and the object is built at its size: JsonObject grows its dictionary by
                // doubling, and those discarded tables were a tenth of the simulator's garbage at 10,000 pods.
                var members = PendingMembers.ForThread;
                var start = members.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = Util.SharedStrings.Read(ref reader);
                    reader.Read();
                    members.Push(name, ReadValue(ref reader));
                }
                return members.PopObject(start) ?? throw new Unusual();
            }
            case JsonTokenType.StartArray:
            {
                var items = PendingItems.ForThread;
                var start = items.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Push(ReadValue(ref reader));
                return items.PopArray(start);
            }
            case JsonTokenType.String: return JsonValue.Create(Util.SharedStrings.Read(ref reader));
            case JsonTokenType.Number: return JsonValue.Create(NumberElement(ref reader));
            case JsonTokenType.True: return JsonValue.Create(True);
            case JsonTokenType.False: return JsonValue.Create(False);
            case JsonTokenType.Null: return null;
            default: throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
        }
    }

    /// <summary>The number as a JsonElement of its own literal (cached for the few distinct literals objects carry).</summary>
    private static JsonElement NumberElement(ref Utf8JsonReader reader)
    {
        // Parsed from a span, so the number is one contiguous slice (never a ValueSequence).
        var literal = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        if (Numbers.TryGetValue(literal, out var cached)) return cached;
        var element = JsonDocument.Parse(literal).RootElement.Clone();
        if (Volatile.Read(ref cachedNumberCount) < MaxCachedNumbers && Numbers.TryAdd(literal, element)) Interlocked.Increment(ref cachedNumberCount);
        return element;
    }
}
