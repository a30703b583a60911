package dev.spool.internal.queue;

/**
 * What a node's hand-back at shutdown did ({@code release.lua}).
 *
 * @param handedBack jobs back at the head of their queue
 * @param killed jobs whose kill was requested while they ran: ended killed instead
 */
public record Released(long handedBack, long killed) {}
