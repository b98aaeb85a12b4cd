#include <moodring/chat/frames.hpp>
#include <moodring/cluster/reply_mirror.hpp>

namespace moodring::cluster {

reply_mirror::verdict reply_mirror::check(const envelope& e) {
    // The frames of a reply already ended here (its end came from a snapshot) were shown, and
    // those of one older than the reply watched were shown or are lost for good.
    if (e.generation != 0 && (e.generation <= ended_ || e.generation < generation_)) {
        return verdict::duplicate;
    }
    if (e.type != envelope::kind::chunk) {
        // Outside a reply (theme frames), or a frame of the reply up to the chunks seen.
        if (e.generation == 0) return verdict::deliver;
        if (e.generation != generation_) return verdict::gap;
        if (e.seq > seq_) return verdict::gap;
        if (start_shown_ && start_ && e.payload == *start_) return verdict::duplicate;
        return verdict::deliver;
    }
    if (e.generation != generation_) return verdict::gap;
    if (e.seq <= seq_) return verdict::duplicate;
    if (e.seq != seq_ + 1) return verdict::gap;
    seq_ = e.seq;
    text_.append(e.payload);
    return verdict::deliver;
}

void reply_mirror::begin(std::uint64_t generation, std::string start) {
    generation_ = generation;
    start_ = std::make_shared<const std::string>(std::move(start));
    start_shown_ = false;
    text_.clear();
    seq_ = 0;
}

void reply_mirror::end(std::uint64_t generation) {
    ended_ = generation;
    if (generation == generation_) clear();
}

void reply_mirror::clear() {
    generation_ = 0;
    start_.reset();
    text_.clear();
    seq_ = 0;
}

bool reply_mirror::knows(std::uint64_t generation) const {
    return generation <= std::max(generation_, ended_);
}

std::vector<chat::outbound_frame> reply_mirror::catch_up(
    const reply_snapshot& s, const reply_snapshot& previous
) {
    std::vector<chat::outbound_frame> frames;
    if (live() && s.generation > generation_) {
        if (previous.generation == generation_) {
            frames = catch_up_with(previous);
        }
        if (live()) {
            // Gone from Redis (two replies went by, or it expired): its end cannot be shown.
            frames.push_back(chat::json_frame(
                chat::error_frame(
                    errc::internal,
                    "the rest of this reply was lost on its way from another server; reload "
                    "the conversation to read it"
                ),
                generation_
            ));
            end(generation_);
        }
    }
    auto rest = catch_up_with(s);
    frames.insert(frames.end(), rest.begin(), rest.end());
    return frames;
}

std::vector<chat::outbound_frame> reply_mirror::catch_up_with(const reply_snapshot& s) {
    std::vector<chat::outbound_frame> frames;
    if (s.generation == 0) return frames;
    if (s.generation != generation_) {
        // A generation begun while this instance was not listening; one that already ended
        // is not shown: its end frame is gone with it.
        if (s.ended) return frames;
        if (knows(s.generation)) return frames;
        begin(s.generation, s.start);
        start_shown_ = true;
        frames.push_back({chat::outbound_frame::kind::json, 0, start_, {}});
        text_ = s.text;
        seq_ = s.seq;
        if (!text_.empty())
            frames.push_back(chat::json_frame(chat::chunk_frame(text_), s.generation));
        return frames;
    }
    if (s.seq > seq_ && s.text.size() >= text_.size()) {
        auto missing = std::make_shared<const std::string>(s.text.substr(text_.size()));
        text_ = s.text;
        seq_ = s.seq;
        if (!missing->empty()) {
            frames.push_back(
                {chat::outbound_frame::kind::chunk, generation_, std::move(missing), {}}
            );
        }
    }
    if (s.ended && s.seq == seq_) {
        if (!s.end_frame.empty()) frames.push_back(chat::json_frame(s.end_frame, generation_));
        end(generation_);
    }
    return frames;
}

std::vector<chat::outbound_frame> reply_mirror::replay() const {
    std::vector<chat::outbound_frame> frames;
    if (!live()) return frames;
    frames.push_back({chat::outbound_frame::kind::json, 0, start_, {}});
    if (!text_.empty()) frames.push_back(chat::json_frame(chat::chunk_frame(text_), generation_));
    return frames;
}

}  // namespace moodring::cluster
