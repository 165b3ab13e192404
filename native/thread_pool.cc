#include "thread_pool.h"

#include <algorithm>

namespace memrec {

ThreadPool::ThreadPool(int threads) { startWorkers(threads); }

ThreadPool::~ThreadPool() { stopWorkers(); }

int ThreadPool::size() {
  std::lock_guard<std::mutex> serial(runMutex_);
  return static_cast<int>(workers_.size()) + 1;
}

void ThreadPool::resize(int threads) {
  std::lock_guard<std::mutex> serial(runMutex_);
  stopWorkers();
  startWorkers(threads);
}

void ThreadPool::run(int parts, const std::function<void(int)>& part) {
  std::lock_guard<std::mutex> serial(runMutex_);
  Job job(part, parts);
  const bool helped = parts > 1 && !workers_.empty();
  if (helped) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      ++generation_;
    }
    start_.notify_all();
  }
  take(job);
  if (helped) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return job.done.load() == parts; });
    // Closed: a worker waking from now on finds nothing to join. One that joined finds no part left and leaves
    // at once; job lives on this stack until it has.
    job_ = nullptr;
    done_.wait(lock, [this] { return active_ == 0; });
  }
}

void ThreadPool::take(Job& job) {
  for (int p = job.next.fetch_add(1); p < job.parts; p = job.next.fetch_add(1)) {
    job.part(p);
    if (job.done.fetch_add(1) + 1 == job.parts) {
      std::lock_guard<std::mutex> lock(mutex_);  // so that the caller cannot miss the notification
      done_.notify_all();
    }
  }
}

// Called with runMutex_ held (or from the constructor), so no job is in flight.
void ThreadPool::startWorkers(int threads) {
  for (int index = 1; index < threads; ++index) workers_.emplace_back(&ThreadPool::work, this, generation_);
}

void ThreadPool::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  stop_ = false;
}

// `seen` is the generation at creation, so a job started before this thread first waits is not missed.
void ThreadPool::work(uint64_t seen) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    Job* job = job_;
    if (job == nullptr) continue;
    ++active_;
    lock.unlock();
    take(*job);
    lock.lock();
    if (--active_ == 0) done_.notify_all();
  }
}

int64_t splitPoint(int64_t total, int part, int parts) {
  const int64_t point = total * part / parts;
  return total >= 64 * parts && part < parts ? point - point % 16 : point;
}

void parallelFor(int64_t total, double cost, const std::function<void(int64_t, int64_t)>& body) {
  constexpr double kMinParallelWork = 1 << 16;
  if (total <= 0) return;
  ThreadPool& threads = pool();
  const int parts = static_cast<double>(total) * cost < kMinParallelWork ? 1 : threads.size();
  if (parts == 1) {
    body(0, total);
    return;
  }
  threads.run(parts, [&](int part) {
    const int64_t begin = splitPoint(total, part, parts), end = splitPoint(total, part + 1, parts);
    if (begin < end) body(begin, end);
  });
}

ThreadPool& pool() {
  // Never destroyed: joining workers during static destruction at exit is not worth the risk.
  static ThreadPool* instance = new ThreadPool(
      static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u)));
  return *instance;
}

}  // namespace memrec
