using System.Diagnostics;

namespace PostingConsole.Publishing.Graph;

/// <summary>
/// Each HTTP request to the Graph API (each try of a call): its answer is read in whole here, inside the try, so a stalled
/// body is bounded by <c>Graph:CallTimeout</c> and retried like the rest of the call; and at Debug it is logged when it
/// begins and when it ends (answered, failed or given up): its number in the process, method and path (never the query),
/// and the machine's monotonic clock (<see cref="Stopwatch.GetTimestamp"/>, the same for every process on the machine), so
/// the calls in flight of several console processes can be counted together, as the consoles saw them.
/// </summary>
public sealed partial class GraphCallLog(ILogger<GraphCallLog> logger) : DelegatingHandler
{
    private static long numbers;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var number = logger.IsEnabled(LogLevel.Debug) ? Interlocked.Increment(ref numbers) : 0;
        if (number > 0) Began(number, request.Method.Method, request.RequestUri?.AbsolutePath, Stopwatch.GetTimestamp());
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken); // the answer is in: the call is over
            }
            catch
            {
                response.Dispose();
                throw;
            }

            return response;
        }
        finally
        {
            if (number > 0) Ended(number, Stopwatch.GetTimestamp());
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph call {Number} {Method} {Path} began at {Timestamp}")]
    private partial void Began(long number, string method, string? path, long timestamp);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph call {Number} ended at {Timestamp}")]
    private partial void Ended(long number, long timestamp);
}
