/** The nice value of compute threads (the event loop keeps 0). */
export declare const COMPUTE_NICE: number;
/** Lowers the calling thread, and the threads it starts from now on, to COMPUTE_NICE (Linux; false elsewhere). */
export declare function lowerThisThreadPriority(): boolean;
/** Lowers libvips' worker threads to COMPUTE_NICE; returns how many it saw (Linux; 0 elsewhere). */
export declare function lowerLibvipsThreads(): number;
