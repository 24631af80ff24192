using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// A change recorded by the store: what a watch stream delivers (ADDED, MODIFIED, DELETED).
/// <see cref="Previous"/> is the object before a modification, so a filtered watch can turn a change that leaves
/// (or enters) its selector into DELETED (or ADDED), as the real watch cache does.
/// </summary>
public sealed record WatchEvent(long ResourceVersion, string Type, ResourceType Resource, JsonObject Object, JsonObject? Previous = null)
{
    /// <summary>
    /// The watch server's UTF-8 encoding of <see cref="Object"/>, made by the first watch that sends the event as stored and
    /// reused by the others (a pod change reaches the controller manager, the scheduler and a kubelet: one encoding, not three).
    /// Dies with the event once it leaves the history's live window.
    /// </summary>
    internal byte[]? EncodedObject
    {
        get;
        set
        {
            field = value;
            // The same bytes are the stored version's JSON: when it goes cold there is nothing left to encode.
            if (value is not null) Stored?.OfferJson(value);
        }
    }

    /// <summary>The stored version this event's <see cref="Object"/> is (null for a deletion, whose object is a final copy).</summary>
    internal StoredObject? Stored { get; init; }
}
